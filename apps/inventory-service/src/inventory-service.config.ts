import { preparedStatementsProblem } from '#libs/database';
import { readEdgeSecurityConfig, type EdgeSecurityConfig } from '#libs/edge';

/** inventory-service settings, validated at start. */
export interface InventoryServiceConfig {
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly databaseUrl: string;
  /** RabbitMQ; unset means the in-process bus (only meaningful when hosted in the all-in-one process). */
  readonly amqpUrl: string | undefined;
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

function port(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65535) problems.push(`${name} must be a port number, got "${raw}"`);
  return value;
}

/**
 * inventory-service settings from the environment: REST on PORT (default 3001), gRPC on GRPC_PORT
 * (default 50052), DATABASE_URL required unless the caller supplies `databaseUrl` (the zero-install
 * launcher starts its own PostgreSQL), AMQP_URL optional, and a JWT key source (OMS_JWT_*).
 */
export function loadInventoryServiceConfig(env: Env, overrides: Partial<InventoryServiceConfig> = {}): InventoryServiceConfig {
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
  const config: InventoryServiceConfig = {
    host: env.HOST || '0.0.0.0',
    httpPort: port(env, 'PORT', 3001, problems),
    grpcPort: port(env, 'GRPC_PORT', 50052, problems),
    databaseUrl,
    amqpUrl,
    edge: readEdgeSecurityConfig(env, problems),
    ...overrides,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
