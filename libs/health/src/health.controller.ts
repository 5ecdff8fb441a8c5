import { Controller, Get, Inject, Logger, Res, ServiceUnavailableException, SetMetadata, type OnApplicationBootstrap } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { DEFAULT_CHECK_TIMEOUT_MS, HEALTH_MODULE_OPTIONS, type HealthModuleOptions } from './health-module-options.js';
import { ReadinessRegistry } from './readiness-registry.js';
import { ServiceLifecycle } from './service-lifecycle.js';

/** Metadata key the app's auth guard reads to let a route through unauthenticated (see libs/auth). */
const PUBLIC_ROUTE = 'oms:public';

/**
 * Kubernetes-style probes in Terminus' response format. Public: probes carry no credentials.
 * - `live`: the process answers, nothing else (a dependency outage must not get it restarted).
 * - `ready`: lifecycle `ready` and every readiness check up within its timeout.
 * - `startup`: `ServiceLifecycle.markStarted()` was called.
 */
@SetMetadata(PUBLIC_ROUTE, true)
@Controller('health')
export class HealthController implements OnApplicationBootstrap {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly lifecycle: ServiceLifecycle,
    private readonly registry: ReadinessRegistry,
    @Inject(HEALTH_MODULE_OPTIONS) private readonly options: HealthModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.registry.checksDatabase) {
      this.logger.warn('No DataSource is checked by /health/ready: provide DataSource globally or add dataSourceReadiness(name) to the module holding it');
    }
  }

  /** Always 200 while the event loop runs; built by hand because Terminus answers 503 to every check once shutdown began. */
  @Get('live')
  @HealthCheck()
  live(): HealthCheckResult {
    return okResult({ process: { status: 'up', pid: process.pid, uptimeSeconds: Math.round(process.uptime()) } });
  }

  /** 503 while starting or draining (without touching dependencies), else the readiness checks. */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: StatusReply): Promise<HealthCheckResult> {
    const phase = this.lifecycle.phase;
    if (phase !== 'ready') {
      // Answered directly rather than through HealthCheckService, which would log an error on
      // every probe of a normal startup or drain.
      return unavailable(reply, downResult({ lifecycle: { status: 'down', phase } }));
    }
    const timeoutMs = this.options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    try {
      return await this.health.check([
        () => this.indicators.check('lifecycle').up({ phase }),
        ...this.registry.entries().map(([name, check]) => () => this.indicators.check(name).attempt(check).withTimeout(timeoutMs)),
      ]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) return unavailable(reply, error.getResponse() as HealthCheckResult);
      throw error;
    }
  }

  /** 200 once startup completed, 503 before. */
  @Get('startup')
  @HealthCheck()
  startup(@Res({ passthrough: true }) reply: StatusReply): HealthCheckResult {
    const indicator = { startup: { status: this.lifecycle.startupComplete ? 'up' : 'down', phase: this.lifecycle.phase } } as const;
    if (!this.lifecycle.startupComplete) return unavailable(reply, downResult(indicator));
    return okResult(indicator);
  }
}

/** What the probes need of the HTTP reply (Fastify's and Express's both have it). */
interface StatusReply {
  status(code: number): unknown;
}

/**
 * A 503 with Terminus' body, answered here rather than thrown: thrown, it would meet the app's
 * API exception filter, which renders API errors, not probe results.
 */
function unavailable(reply: StatusReply, result: HealthCheckResult): HealthCheckResult {
  reply.status(503);
  return result;
}

function okResult(info: HealthIndicatorResult): HealthCheckResult {
  return { status: 'ok', info, error: {}, details: info };
}

function downResult(error: HealthIndicatorResult): HealthCheckResult {
  return { status: 'error', info: {}, error, details: error };
}
