/**
 * Prometheus metrics of an OMS process (prom-client): the instruments, the HTTP and gRPC request
 * recorders, and the `/metrics` endpoint. See docs/operations.md for what each metric means.
 */
export { OmsMetrics, processMetrics, type MetricsCollector } from './oms-metrics.js';
export { recordHttpMetrics } from './http-metrics.hook.js';
export { GrpcMetricsInterceptor } from './grpc-metrics.interceptor.js';
export { MetricsHttpController } from './metrics.http.controller.js';
