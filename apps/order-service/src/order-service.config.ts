import { createHash } from 'node:crypto';

export interface OrderServiceConfig {
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly databaseUrl: string;
  readonly pageTokenSecret: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Thrown with every problem of the environment at once, so one start shows them all. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
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
  const secretSource = env.OMS_PAGE_TOKEN_SECRET || env.OMS_JWT_SECRET || overrides.pageTokenSecret;
  if (!secretSource) problems.push('OMS_PAGE_TOKEN_SECRET (or OMS_JWT_SECRET) must be set to sign page tokens');
  const config: OrderServiceConfig = {
    host: env.HOST || '0.0.0.0',
    httpPort: port(env, 'PORT', 3000, problems),
    grpcPort: port(env, 'GRPC_PORT', 50051, problems),
    databaseUrl,
    // Derived, so replicas sharing OMS_JWT_SECRET accept each other's tokens without another secret.
    pageTokenSecret: createHash('sha256').update(`page-token:${secretSource ?? ''}`).digest('hex'),
    ...overrides,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
