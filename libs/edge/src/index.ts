export { EdgeModule, type EdgeOptions } from './edge.module.js';
export { startHybridApp, type HybridAppOptions, type RunningApp } from './hybrid-app.js';
export {
  DEFAULT_EDGE_SECURITY,
  loadEdgeSecurityConfig,
  readEdgeSecurityConfig,
  type EdgeSecurityConfig,
} from './edge-security.config.js';
export { HTTP_SECURITY_HEADERS } from './http-security.js';
export { RATE_LIMITED, RATE_LIMIT_EXEMPT_PATHS, RateLimitGuard, SkipRateLimit } from './rate-limit.guard.js';
export { RateLimitModule } from './rate-limit.module.js';
export { MAX_REQUEST_DEPTH, MalformedGrpcRequest, RequestSanityInterceptor, requestProblem } from './request-sanity.js';
export { DEFAULT_SHUTDOWN, coordinateShutdown, loadShutdownConfig, readShutdownConfig, type ShutdownConfig, type ShutdownParts } from './shutdown.js';
export { countHttpRequests, InFlightRequests, inFlightRequests } from './in-flight-requests.js';
