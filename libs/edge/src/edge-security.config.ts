/** Limits the inbound edge enforces on both ports (see docs/decisions/0010-edge-security.md). */
export interface EdgeSecurityConfig {
  /**
   * Requests per minute per authenticated caller (`sub`), or per client IP for anonymous calls to
   * public routes (`OMS_RATE_LIMIT_PER_MINUTE`); 0 turns rate limiting off.
   */
  readonly rateLimitPerMinute: number;
  /** Largest HTTP request body, bytes (`OMS_HTTP_BODY_LIMIT_BYTES`); larger: 413. */
  readonly httpBodyLimitBytes: number;
  /** Largest gRPC request message, bytes (`OMS_GRPC_MAX_MESSAGE_BYTES`); larger: RESOURCE_EXHAUSTED. */
  readonly grpcMaxMessageBytes: number;
}

const MIB = 1024 * 1024;

/**
 * Defaults. 600 requests a minute per customer (10/s sustained, any burst up to 600) is far above
 * what a person or a well-behaved client does and leaves the e2e suites unaffected; a load test
 * driving one customer's token harder sets `OMS_RATE_LIMIT_PER_MINUTE=0` (or a higher number).
 */
export const DEFAULT_EDGE_SECURITY: EdgeSecurityConfig = Object.freeze({
  rateLimitPerMinute: 600,
  httpBodyLimitBytes: MIB,
  grpcMaxMessageBytes: 4 * MIB,
});

export type Env = Readonly<Record<string, string | undefined>>;

/** A whole-number setting from `min` to `max` (`fallback` when unset); a bad value is added to `problems`. */
export function readWholeSetting(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
  return value;
}

/**
 * Reads `OMS_RATE_LIMIT_PER_MINUTE` (0 = off, default 600), `OMS_HTTP_BODY_LIMIT_BYTES` (1 KiB to
 * 64 MiB, default 1 MiB) and `OMS_GRPC_MAX_MESSAGE_BYTES` (1 KiB to 64 MiB, default 4 MiB). Each
 * invalid value is added to `problems` (the service config loaders report them all at once).
 */
export function readEdgeSecurityConfig(env: Env, problems: string[]): EdgeSecurityConfig {
  return {
    rateLimitPerMinute: readWholeSetting(env, 'OMS_RATE_LIMIT_PER_MINUTE', DEFAULT_EDGE_SECURITY.rateLimitPerMinute, 0, 1_000_000, problems),
    httpBodyLimitBytes: readWholeSetting(env, 'OMS_HTTP_BODY_LIMIT_BYTES', DEFAULT_EDGE_SECURITY.httpBodyLimitBytes, 1024, 64 * MIB, problems),
    grpcMaxMessageBytes: readWholeSetting(env, 'OMS_GRPC_MAX_MESSAGE_BYTES', DEFAULT_EDGE_SECURITY.grpcMaxMessageBytes, 1024, 64 * MIB, problems),
  };
}

/** {@link readEdgeSecurityConfig} that throws one error listing every problem. */
export function loadEdgeSecurityConfig(env: Env = process.env): EdgeSecurityConfig {
  const problems: string[] = [];
  const config = readEdgeSecurityConfig(env, problems);
  if (problems.length > 0) throw new Error(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
