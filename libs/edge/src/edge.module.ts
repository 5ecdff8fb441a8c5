import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule, type JwtVerifier } from '#libs/auth';
import { ApiExceptionFilter, ErrorTranslator, type ErrorCodeTable } from '#libs/errors';
import { HealthModule } from '#libs/health';
import { IDEMPOTENCY_ERROR_CODES, IdempotencyKeyInterceptor } from '#libs/idempotency';
import { CorrelationInterceptor, ObservabilityLoggerModule, type ObservabilityLoggerOptions } from '#libs/observability';
import { loadEdgeSecurityConfig, type EdgeSecurityConfig } from './edge-security.config.js';
import { RateLimitModule } from './rate-limit.module.js';
import { GrpcInFlightInterceptor } from './in-flight-requests.js';
import { GrpcMetricsInterceptor, MetricsHttpController, processMetrics } from '#libs/metrics';
import { RequestSanityInterceptor } from './request-sanity.js';

export interface EdgeOptions {
  /** Process name in logs, e.g. `order-service` or `oms` for the all-in-one process. */
  readonly service: string;
  /** gRPC service names reported by grpc.health.v1, e.g. `oms.v1.OrderService`. */
  readonly grpcServiceNames: readonly string[];
  /** Error code tables of every service module hosted in this process. */
  readonly errorCodes: readonly ErrorCodeTable[];
  readonly logging?: Omit<ObservabilityLoggerOptions, 'service'>;
  /** Defaults to the verifier configured by the OMS_JWT_* variables. */
  readonly jwtVerifier?: JwtVerifier;
  /** Rate limit and size limits; defaults to the OMS_RATE_LIMIT_* / OMS_*_BYTES variables. */
  readonly security?: EdgeSecurityConfig;
}

/**
 * The inbound edge every service process shares, registered once per process for REST and gRPC
 * alike: JSON logs with correlation ids, JWT authentication, the per-caller rate limit, request
 * sanity checks, idempotency keys, health probes, `/metrics`, and the single exception filter that renders
 * errors. (HTTP headers and size limits are set where the listeners are made: startHybridApp.)
 */
@Module({})
export class EdgeModule {
  static forRoot(options: EdgeOptions): DynamicModule {
    const translator = new ErrorTranslator(Object.assign({}, IDEMPOTENCY_ERROR_CODES, ...options.errorCodes));
    const security = options.security ?? loadEdgeSecurityConfig(process.env);
    return {
      module: EdgeModule,
      imports: [
        ObservabilityLoggerModule.forRoot({ service: options.service, ...options.logging }),
        AuthModule.forRoot(options.jwtVerifier),
        // After AuthModule: global guards run in module order, and the limit is keyed by the principal.
        RateLimitModule.forRoot(security.rateLimitPerMinute),
        HealthModule.forRoot({ serviceNames: options.grpcServiceNames }),
      ],
      controllers: [MetricsHttpController],
      providers: [
        // First: they see every call, also those a later interceptor refuses.
        { provide: APP_INTERCEPTOR, useClass: GrpcInFlightInterceptor },
        { provide: APP_INTERCEPTOR, useValue: new GrpcMetricsInterceptor(processMetrics(), translator) },
        { provide: APP_INTERCEPTOR, useClass: CorrelationInterceptor },
        { provide: APP_INTERCEPTOR, useClass: RequestSanityInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyKeyInterceptor },
        { provide: APP_FILTER, useValue: new ApiExceptionFilter(translator) },
      ],
    };
  }
}
