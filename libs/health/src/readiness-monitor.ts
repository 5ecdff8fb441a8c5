import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { GrpcHealth } from './grpc-health.js';
import { DEFAULT_CHECK_TIMEOUT_MS, HEALTH_MODULE_OPTIONS, type HealthModuleOptions } from './health-module-options.js';
import { ReadinessRegistry, type ReadinessCheck } from './readiness-registry.js';
import { ServiceLifecycle } from './service-lifecycle.js';

/** How often the gRPC health status re-runs the readiness checks, by default. */
export const DEFAULT_READINESS_INTERVAL_MS = 5_000;

/**
 * Keeps gRPC health in step with `/health/ready`: every few seconds, while the lifecycle is
 * `ready`, it runs the same readiness checks (over the connections the service holds) and tells
 * {@link GrpcHealth} whether they all passed. HTTP probes run the checks on demand; gRPC
 * Health/Watch streams need the answer pushed, hence the timer.
 */
@Injectable()
export class ReadinessMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReadinessMonitor.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private lastFailure = '';

  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly lifecycle: ServiceLifecycle,
    private readonly grpcHealth: GrpcHealth,
    @Inject(HEALTH_MODULE_OPTIONS) private readonly options: HealthModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    // At once when the instance turns ready, then on the timer.
    this.lifecycle.onChange((phase) => phase === 'ready' && void this.check());
    this.timer = setInterval(() => void this.check(), this.options.readinessIntervalMs ?? DEFAULT_READINESS_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Runs every check once and publishes the result; returns whether all passed. */
  async check(): Promise<boolean> {
    if (this.running || !this.lifecycle.isReady) return false;
    this.running = true;
    try {
      const timeoutMs = this.options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
      const results = await Promise.all(this.registry.entries().map(async ([name, check]) => [name, await passes(check, timeoutMs)] as const));
      const failed = results.filter(([, error]) => error !== undefined).map(([name, error]) => `${name}: ${error}`);
      const failure = failed.join('; ');
      if (failure !== this.lastFailure) {
        if (failure) this.logger.warn({ failed }, 'readiness check failing: gRPC health NOT_SERVING');
        else this.logger.log('readiness checks pass again: gRPC health SERVING');
        this.lastFailure = failure;
      }
      this.grpcHealth.setDependenciesUp(failed.length === 0);
      return failed.length === 0;
    } finally {
      this.running = false;
    }
  }
}

/** `undefined` when the check passed within `timeoutMs`, else why not. */
async function passes(check: ReadinessCheck, timeoutMs: number): Promise<string | undefined> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(`no answer within ${timeoutMs} ms`);
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(() => check({ signal: controller.signal }))
        .then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
