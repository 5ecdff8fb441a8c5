import type { INestApplication } from '@nestjs/common';
import type { ServiceLifecycle } from '#libs/health';
import { readWholeSetting, type Env } from './edge-security.config.js';
import type { InFlightRequests } from './in-flight-requests.js';

/** How a process shuts down (see {@link coordinateShutdown}). */
export interface ShutdownConfig {
  /**
   * How long the process keeps serving after readiness turned false, so load balancers notice
   * before the listeners close (`OMS_SHUTDOWN_DELAY_MS`, default 0: in Kubernetes the preStop
   * pause does this; behind a balancer polling readiness, set it above the polling interval).
   */
  readonly delayMs: number;
  /** The whole shutdown's budget; past it the process exits 1 (`OMS_SHUTDOWN_GRACE_MS`, default 30 s). */
  readonly graceMs: number;
}

export const DEFAULT_SHUTDOWN: ShutdownConfig = Object.freeze({ delayMs: 0, graceMs: 30_000 });

/** Reads `OMS_SHUTDOWN_DELAY_MS` (0..60000) and `OMS_SHUTDOWN_GRACE_MS` (1000..600000); problems are collected. */
export function readShutdownConfig(env: Env, problems: string[]): ShutdownConfig {
  return {
    delayMs: readWholeSetting(env, 'OMS_SHUTDOWN_DELAY_MS', DEFAULT_SHUTDOWN.delayMs, 0, 60_000, problems),
    graceMs: readWholeSetting(env, 'OMS_SHUTDOWN_GRACE_MS', DEFAULT_SHUTDOWN.graceMs, 1_000, 600_000, problems),
  };
}

/** {@link readShutdownConfig} that throws one error listing every problem. */
export function loadShutdownConfig(env: Env = process.env): ShutdownConfig {
  const problems: string[] = [];
  const config = readShutdownConfig(env, problems);
  if (problems.length > 0) throw new Error(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}

export interface ShutdownParts {
  readonly app: INestApplication;
  readonly lifecycle: ServiceLifecycle;
  readonly inFlight: InFlightRequests;
  readonly config: ShutdownConfig;
  /** Where progress is reported (stderr lines by default). */
  readonly log?: (message: string) => void;
  readonly exit?: (code: number) => void;
}

/**
 * The one place a process shuts down, in this order:
 * 1. readiness turns false (HTTP 503, gRPC NOT_SERVING) and responses ask clients to close
 *    their connections;
 * 2. the listeners keep serving for `delayMs`, while balancers take the instance out;
 * 3. the requests and calls in flight at that moment finish (later ones are finished by the
 *    listeners' own close: gRPC clients learn of the drain only from its GOAWAY);
 * 4. `app.close()`: message consumers are cancelled and their handlers finish, the outbox relay
 *    stops after its current batch, the listeners and broker connections close, the pools last;
 * 5. exit 0; or exit 1 if all this outlasts `graceMs`.
 * A second signal does not cut it short. Returns the function to call on a signal.
 */
export function coordinateShutdown(parts: ShutdownParts): () => Promise<void> {
  const log = parts.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const exit = parts.exit ?? ((code: number) => process.exit(code));
  let running: Promise<void> | undefined;
  return () => {
    running ??= (async () => {
      const started = Date.now();
      const deadline = setTimeout(() => {
        log(`shutdown did not finish within ${parts.config.graceMs} ms; exiting`);
        exit(1);
      }, parts.config.graceMs);
      deadline.unref();
      const since = () => `${Date.now() - started} ms`;
      try {
        parts.lifecycle.beginDrain();
        log(`shutdown: draining; serving ${parts.config.delayMs} ms more, ${parts.inFlight.current} request(s) in flight`);
        if (parts.config.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, parts.config.delayMs));
        const remaining = Math.max(0, parts.config.graceMs - (Date.now() - started));
        if (!(await parts.inFlight.settled(remaining))) log(`shutdown: requests still in flight at the end of the grace period (${parts.inFlight.current} now)`);
        log(`shutdown: closing after ${since()}`);
        await parts.app.close();
        log(`shutdown: closed after ${since()}`);
        clearTimeout(deadline);
        exit(0);
      } catch (error) {
        clearTimeout(deadline);
        log(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      }
    })();
    return running;
  };
}
