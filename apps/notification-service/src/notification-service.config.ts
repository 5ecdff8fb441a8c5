import { resolve } from 'node:path';
import { preparedStatementsProblem } from '#libs/database';
import { readEdgeSecurityConfig, type EdgeSecurityConfig } from '#libs/edge';

/** notification-service settings, validated at start. */
export interface NotificationServiceConfig {
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly databaseUrl: string;
  /** RabbitMQ; unset means the in-process bus (only meaningful when hosted in the all-in-one process). */
  readonly amqpUrl: string | undefined;
  /** OMS_SMTP_URL (`smtp://` or `smtps://`); unset: e-mail is written to the dev mailbox. */
  readonly smtpUrl: string | undefined;
  /** OMS_SMTP_FROM, default `OMS <no-reply@oms.local>`. */
  readonly smtpFrom: string;
  /** OMS_SMS_URL (`http(s)://`); unset: SMS is written to the dev mailbox. */
  readonly smsUrl: string | undefined;
  /** OMS_SMS_API_KEY: bearer token for the SMS provider. */
  readonly smsApiKey: string | undefined;
  /** OMS_DATA_DIR (default `./.oms-data`), absolute; the dev mailbox is its `mailbox/`. */
  readonly dataDir: string;
  /** OMS_ORDER_PAYMENT_TIMEOUT_SECONDS (default 900): order-service's payment deadline. */
  readonly paymentTimeoutSeconds: number;
  /** OMS_PAYMENT_REMINDER_BEFORE_SECONDS (default 300): reminder lead before that deadline. */
  readonly reminderLeadSeconds: number;
  /** OMS_NOTIFICATION_MAX_ATTEMPTS (default 8): attempts before a notification is FAILED. */
  readonly maxAttempts: number;
  /** OMS_NOTIFICATION_RETRY_BASE_MS (default 1000): backoff after the first failure, doubling. */
  readonly retryBaseMs: number;
  /** OMS_NOTIFICATION_RETRY_MAX_MS (default 300000): the longest backoff. */
  readonly retryMaxMs: number;
  /** OMS_NOTIFICATION_POLL_MS (default 1000): how often due notifications are looked for. */
  readonly pollIntervalMs: number;
  /** OMS_NOTIFICATION_SEND_TIMEOUT_MS (default 10000): how long one provider call may take. */
  readonly sendTimeoutMs: number;
  /** OMS_RATE_LIMIT_PER_MINUTE, OMS_HTTP_BODY_LIMIT_BYTES, OMS_GRPC_MAX_MESSAGE_BYTES (libs/edge). */
  readonly edge: EdgeSecurityConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Thrown with every problem of the environment at once, so one start shows them all. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

function port(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || value > 65535) problems.push(`${name} must be a port number (0-65535), got "${raw}"`);
  return value;
}

const DAY = 24 * 3600;

/**
 * notification-service settings from the environment: REST on PORT (default 3003), gRPC on
 * GRPC_PORT (default 50054), DATABASE_URL required unless the caller supplies `databaseUrl`,
 * AMQP_URL optional, a JWT key source (OMS_JWT_*), the providers (OMS_SMTP_*, OMS_SMS_*; unset:
 * the dev mailbox under OMS_DATA_DIR), the reminder timing and the retry policy.
 */
export function loadNotificationServiceConfig(env: Env, overrides: Partial<NotificationServiceConfig> = {}): NotificationServiceConfig {
  const problems: string[] = [];
  const databaseUrl = overrides.databaseUrl ?? env.DATABASE_URL ?? '';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// URL');
  const preparedStatements = preparedStatementsProblem(env);
  if (preparedStatements) problems.push(preparedStatements);
  const amqpUrl = 'amqpUrl' in overrides ? overrides.amqpUrl : env.AMQP_URL || undefined;
  if (amqpUrl !== undefined && !/^amqps?:\/\//.test(amqpUrl)) problems.push('AMQP_URL must be an amqp:// or amqps:// URL');
  if (!env.OMS_JWT_SECRET && !env.OMS_JWT_PUBLIC_KEY && !env.OMS_JWT_JWKS_URL) {
    problems.push('OMS_JWT_SECRET (or OMS_JWT_PUBLIC_KEY or OMS_JWT_JWKS_URL) must be set to verify tokens');
  }
  const smtpUrl = env.OMS_SMTP_URL || undefined;
  if (smtpUrl !== undefined && !validUrl(smtpUrl, ['smtp:', 'smtps:'])) problems.push('OMS_SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://127.0.0.1:2525');
  const smsUrl = env.OMS_SMS_URL || undefined;
  if (smsUrl !== undefined && !validUrl(smsUrl, ['http:', 'https:'])) problems.push('OMS_SMS_URL must be an http:// or https:// URL');
  const smtpFrom = env.OMS_SMTP_FROM || 'OMS <no-reply@oms.local>';
  if (/[\r\n]/.test(smtpFrom)) problems.push('OMS_SMTP_FROM must be a single line');

  const retryBaseMs = integer(env, 'OMS_NOTIFICATION_RETRY_BASE_MS', 1_000, 0, 3_600_000, problems);
  const retryMaxMs = integer(env, 'OMS_NOTIFICATION_RETRY_MAX_MS', Math.max(300_000, retryBaseMs), 0, 24 * 3_600_000, problems);
  if (retryMaxMs < retryBaseMs) problems.push('OMS_NOTIFICATION_RETRY_MAX_MS must not be less than OMS_NOTIFICATION_RETRY_BASE_MS');

  const config: NotificationServiceConfig = {
    host: env.HOST || '0.0.0.0',
    httpPort: port(env, 'PORT', 3003, problems),
    grpcPort: port(env, 'GRPC_PORT', 50054, problems),
    databaseUrl,
    amqpUrl,
    smtpUrl,
    smtpFrom,
    smsUrl,
    smsApiKey: env.OMS_SMS_API_KEY || undefined,
    dataDir: resolve(env.OMS_DATA_DIR || '.oms-data'),
    paymentTimeoutSeconds: integer(env, 'OMS_ORDER_PAYMENT_TIMEOUT_SECONDS', 900, 1, 30 * DAY, problems),
    reminderLeadSeconds: integer(env, 'OMS_PAYMENT_REMINDER_BEFORE_SECONDS', 300, 0, 30 * DAY, problems),
    maxAttempts: integer(env, 'OMS_NOTIFICATION_MAX_ATTEMPTS', 8, 1, 100, problems),
    retryBaseMs,
    retryMaxMs,
    pollIntervalMs: integer(env, 'OMS_NOTIFICATION_POLL_MS', 1_000, 10, 60_000, problems),
    sendTimeoutMs: integer(env, 'OMS_NOTIFICATION_SEND_TIMEOUT_MS', 10_000, 100, 120_000, problems),
    edge: readEdgeSecurityConfig(env, problems),
    ...overrides,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function validUrl(text: string, protocols: readonly string[]): boolean {
  try {
    const url = new URL(text);
    return protocols.includes(url.protocol) && url.hostname.length > 0;
  } catch {
    return false;
  }
}
