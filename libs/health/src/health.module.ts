import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { GrpcHealth } from './grpc-health.js';
import { HealthController } from './health.controller.js';
import { HEALTH_MODULE_OPTIONS, type HealthModuleOptions } from './health-module-options.js';
import { ReadinessMonitor } from './readiness-monitor.js';
import { ReadinessRegistry } from './readiness-registry.js';
import { ServiceLifecycle } from './service-lifecycle.js';

/**
 * Health probes (`/health/live|ready|startup`), the process' {@link ServiceLifecycle}, the
 * {@link ReadinessRegistry} and a {@link GrpcHealth} that follows the lifecycle and, through the
 * {@link ReadinessMonitor}, the readiness checks. Global, so any
 * module can mark the lifecycle, register checks or read the phase; import it once, in the root.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      // Terminus' own drain only flips every check to 503 after SIGTERM; ServiceLifecycle does that
      // earlier and also drives gRPC health, so Terminus must not delay shutdown on top.
      imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0 })],
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_MODULE_OPTIONS, useValue: options },
        ServiceLifecycle,
        {
          provide: ReadinessRegistry,
          // DataSource is optional: it is injectable here only when the app provides it globally;
          // otherwise modules register theirs with dataSourceReadiness(name).
          useFactory: (dataSource: DataSource | undefined) => {
            const registry = new ReadinessRegistry();
            if (dataSource) registry.addDataSource('database', dataSource);
            for (const [name, check] of Object.entries(options.extraChecks ?? {})) registry.add(name, check);
            return registry;
          },
          inject: [{ token: DataSource, optional: true }],
        },
        {
          provide: GrpcHealth,
          useFactory: (lifecycle: ServiceLifecycle) => {
            const health = new GrpcHealth(options.serviceNames);
            health.follow(lifecycle);
            return health;
          },
          inject: [ServiceLifecycle],
        },
        ReadinessMonitor,
      ],
      exports: [ServiceLifecycle, ReadinessRegistry, GrpcHealth, ReadinessMonitor],
    };
  }
}
