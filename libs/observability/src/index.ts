export { RequestContext, type RequestContextData } from './request-context.js';
export {
  CORRELATION_ID_HEADER,
  correlationIdOf,
  correlationIdOfRawRequest,
  isValidCorrelationId,
  newCorrelationId,
  seedRequestContext,
} from './correlation-id.js';
export { CorrelationInterceptor } from './correlation.interceptor.js';
export { correlationMiddleware } from './correlation.middleware.js';
export { correlationPreRequestHook } from './correlation-pre-request.hook.js';
export { ObservabilityLoggerModule } from './logger.module.js';
export { REDACTED_PATHS, type ObservabilityLoggerOptions } from './logger-options.js';
// Re-exported so apps depend on this lib only: `app.useLogger(app.get(PinoNestLogger))`.
export { InjectPinoLogger, Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
export { TRACEPARENT_HEADER, childTraceparent, parseTraceparent, traceIdsOf, type TraceIds } from './trace-context.js';
