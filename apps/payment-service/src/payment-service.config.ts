import { createHash } from 'node:crypto';
import { preparedStatementsProblem } from '#libs/database';
import { readEdgeSecurityConfig, type EdgeSecurityConfig } from '#libs/edge';

/** payment-service settings, validated at start. */
export interface PaymentServiceConfig {
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly databaseUrl: string;
  /** RabbitMQ; unset means the in-process bus (only meaningful when hosted in the all-in-one process). */
  readonly amqpUrl: string | undefined;
  /** How long the simulated gateway takes to answer (`OMS_GATEWAY_LATENCY_MS`, default 200). */
  readonly gatewayLatencyMs: number;
  /** Signs and verifies gateway callbacks. */
  readonly gatewayWebhookSecret: string;
  /** Where the simulated gateway reaches this service's REST port (`OMS_GATEWAY_CALLBACK_URL`). */
  readonly gatewayCallbackBaseUrl: string;
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

function integer(env: Env, name: string, fallback: number, max: number, problems: string[], what: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > max) problems.push(`${name} must be ${what}, got "${raw}"`);
  return value;
}

/**
 * payment-service settings from the environment: REST on PORT (default 3002), gRPC on GRPC_PORT
 * (default 50053), DATABASE_URL required unless the caller supplies `databaseUrl`, AMQP_URL
 * optional, and the simulated gateway's OMS_GATEWAY_LATENCY_MS, OMS_GATEWAY_WEBHOOK_SECRET
 * (default: derived from OMS_JWT_SECRET) and OMS_GATEWAY_CALLBACK_URL (default: this service's
 * own REST address).
 */
export function loadPaymentServiceConfig(env: Env, overrides: Partial<PaymentServiceConfig> = {}): PaymentServiceConfig {
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
  const host = overrides.host ?? (env.HOST || '0.0.0.0');
  const httpPort = overrides.httpPort ?? integer(env, 'PORT', 3002, 65535, problems, 'a port number');
  const grpcPort = overrides.grpcPort ?? integer(env, 'GRPC_PORT', 50053, 65535, problems, 'a port number');
  const gatewayLatencyMs = integer(env, 'OMS_GATEWAY_LATENCY_MS', 200, 600_000, problems, 'a number of milliseconds up to 600000');

  const explicitSecret = env.OMS_GATEWAY_WEBHOOK_SECRET;
  if (explicitSecret !== undefined && explicitSecret.length > 0 && explicitSecret.length < 16) {
    problems.push('OMS_GATEWAY_WEBHOOK_SECRET must be at least 16 characters');
  }
  if (!explicitSecret && !env.OMS_JWT_SECRET && !overrides.gatewayWebhookSecret) {
    problems.push('OMS_GATEWAY_WEBHOOK_SECRET (or OMS_JWT_SECRET, to derive it from) must be set to sign gateway callbacks');
  }
  // Derived, so the zero-install mode's one dev secret is enough; never the JWT secret itself.
  const derivedSecret = createHash('sha256').update(`gateway-webhook:${env.OMS_JWT_SECRET ?? ''}`).digest('hex');

  const ownAddress = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${httpPort}`;
  const gatewayCallbackBaseUrl = (env.OMS_GATEWAY_CALLBACK_URL || ownAddress).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(gatewayCallbackBaseUrl)) problems.push('OMS_GATEWAY_CALLBACK_URL must be an http:// or https:// URL');

  const config: PaymentServiceConfig = {
    host,
    httpPort,
    grpcPort,
    databaseUrl,
    amqpUrl,
    gatewayLatencyMs,
    gatewayWebhookSecret: explicitSecret || derivedSecret,
    gatewayCallbackBaseUrl,
    edge: readEdgeSecurityConfig(env, problems),
    ...overrides,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
