import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preparedStatementsProblem } from '#libs/database';
import { readEdgeSecurityConfig, type EdgeSecurityConfig } from '#libs/edge';

export interface OrderServiceConfig {
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly databaseUrl: string;
  readonly pageTokenSecret: string;
  /** RabbitMQ; unset in the all-in-one mode (in-process broker). */
  readonly amqpUrl?: string;
  /** payment-service's gRPC address (OMS_PAYMENT_GRPC_ADDRESS, default 127.0.0.1:50053). */
  readonly paymentAddress: string;
  /** OMS_SERVICE_TOKEN: the bearer token shown to other services; else minted with OMS_JWT_SECRET. */
  readonly serviceToken?: string;
  readonly jwtSecret?: string;
  /** OMS_PAYMENT_WAIT_MS (default 10000). */
  readonly outcomeWaitMs: number;
  /** OMS_ORDER_PAYMENT_TIMEOUT_SECONDS (default 900), in ms. */
  readonly paymentTimeoutMs: number;
  /** OMS_RATE_LIMIT_PER_MINUTE, OMS_HTTP_BODY_LIMIT_BYTES, OMS_GRPC_MAX_MESSAGE_BYTES (libs/edge). */
  readonly edge: EdgeSecurityConfig;
  /**
   * OMS_SIGNING_SECRET: HMAC-SHA256 key of the legacy `POST /api/orders/create` signatures. Unset:
   * that endpoint answers 503 (the zero-install launcher supplies a development secret instead).
   */
  readonly signingSecret?: string;
}

/** Shortest accepted OMS_SIGNING_SECRET: a guessable key would let anyone sign requests. */
export const MIN_SIGNING_SECRET_LENGTH = 16;

type Env = Readonly<Record<string, string | undefined>>;

/** Thrown with every problem of the environment at once, so one start shows them all. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** A whole number setting within [min, max]. */
export function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

export function port(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || value > 65535) problems.push(`${name} must be a port number (0-65535), got "${raw}"`);
  return value;
}

/**
 * order-service settings from the environment. `databaseUrl` may be supplied by the caller (the
 * zero-install launcher starts its own PostgreSQL); otherwise DATABASE_URL is required.
 */
export function loadOrderServiceConfig(env: Env, overrides: Partial<OrderServiceConfig> = {}): OrderServiceConfig {
  const problems: string[] = [];
  const databaseUrl = overrides.databaseUrl ?? env.DATABASE_URL ?? '';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// URL');
  const preparedStatements = preparedStatementsProblem(env);
  if (preparedStatements) problems.push(preparedStatements);
  if (env.AMQP_URL && !/^amqps?:\/\//.test(env.AMQP_URL)) problems.push('AMQP_URL must be an amqp:// URL');
  const secretSource = env.OMS_PAGE_TOKEN_SECRET || env.OMS_JWT_SECRET || overrides.pageTokenSecret;
  if (!secretSource) problems.push('OMS_PAGE_TOKEN_SECRET (or OMS_JWT_SECRET) must be set to sign page tokens');
  const config: OrderServiceConfig = {
    host: env.HOST || '0.0.0.0',
    httpPort: port(env, 'PORT', 3000, problems),
    grpcPort: port(env, 'GRPC_PORT', 50051, problems),
    databaseUrl,
    // Derived, so replicas sharing OMS_JWT_SECRET accept each other's tokens without another secret.
    pageTokenSecret: createHash('sha256').update(`page-token:${secretSource ?? ''}`).digest('hex'),
    amqpUrl: env.AMQP_URL || undefined,
    paymentAddress: env.OMS_PAYMENT_GRPC_ADDRESS || '127.0.0.1:50053',
    serviceToken: env.OMS_SERVICE_TOKEN || undefined,
    jwtSecret: env.OMS_JWT_SECRET || undefined,
    outcomeWaitMs: integer(env, 'OMS_PAYMENT_WAIT_MS', 10_000, 0, 120_000, problems),
    paymentTimeoutMs: integer(env, 'OMS_ORDER_PAYMENT_TIMEOUT_SECONDS', 900, 1, 30 * 24 * 3600, problems) * 1000,
    edge: readEdgeSecurityConfig(env, problems),
    signingSecret: env.OMS_SIGNING_SECRET || undefined,
    ...overrides,
  };
  if (config.signingSecret !== undefined && config.signingSecret.length < MIN_SIGNING_SECRET_LENGTH) {
    problems.push(`OMS_SIGNING_SECRET must be at least ${MIN_SIGNING_SECRET_LENGTH} characters`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Where the zero-install mode keeps its development signing secret: `<dataDir>/signing-secret`. */
export function devSigningSecretPath(dataDir: string): string {
  return join(dataDir, 'signing-secret');
}

/** The development signing secret, or `undefined` when the zero-install mode has not written one yet. */
export function readDevSigningSecret(dataDir: string): string | undefined {
  try {
    return readFileSync(devSigningSecretPath(dataDir), 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The development signing secret, created (32 random bytes as hex, mode 0600) when missing, like the
 * development JWT secret next to it: the server and `npm run sign` agree without configuration.
 */
export function loadOrCreateDevSigningSecret(dataDir: string): string {
  const existing = readDevSigningSecret(dataDir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  try {
    // 'wx': of two processes starting together, one creates the file and the other reads it.
    writeFileSync(devSigningSecretPath(dataDir), `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readDevSigningSecret(dataDir) ?? secret;
    throw error;
  }
}
