import type { ReadinessCheck } from './readiness-registry.js';

/** Options of `HealthModule.forRoot`. */
export interface HealthModuleOptions {
  /**
   * Fully qualified gRPC service names served by this process (e.g. `oms.v1.OrderService`):
   * the names the injectable `GrpcHealth` reports, next to the overall `''`.
   */
  readonly serviceNames: readonly string[];
  /** Extra readiness checks by name (broker, outbox lag, ...), run after the database check. */
  readonly extraChecks?: Readonly<Record<string, ReadinessCheck>>;
  /** Per-check timeout of `GET /health/ready`, in ms; a slower dependency counts as down. Default 1000. */
  readonly checkTimeoutMs?: number;
  /** How often gRPC health re-runs the readiness checks, in ms (default 5000). */
  readonly readinessIntervalMs?: number;
}

/** Injection token of the {@link HealthModuleOptions}. */
export const HEALTH_MODULE_OPTIONS = Symbol('oms:health:options');

/** Default per-check timeout: well below a typical probe timeout, so the probe answers 503 itself. */
export const DEFAULT_CHECK_TIMEOUT_MS = 1000;
