export { ServiceLifecycle, type LifecycleListener, type LifecyclePhase } from './service-lifecycle.js';
export { ReadinessRegistry, dataSourceCheck, dataSourceReadiness, type ReadinessCheck } from './readiness-registry.js';
export { DEFAULT_CHECK_TIMEOUT_MS, HEALTH_MODULE_OPTIONS, type HealthModuleOptions } from './health-module-options.js';
export { HealthController } from './health.controller.js';
export { HealthModule } from './health.module.js';
export {
  GrpcHealth,
  HEALTH_PROTO_PATH,
  bindGrpcHealth,
  createGrpcHealth,
  type GrpcHealthServer,
  type GrpcServerOptions,
} from './grpc-health.js';
export { ReadinessMonitor, DEFAULT_READINESS_INTERVAL_MS } from './readiness-monitor.js';
