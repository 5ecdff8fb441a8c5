import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule, type JwtVerifier } from '#libs/auth';
import { ApiExceptionFilter, ErrorTranslator, type ErrorCodeTable } from '#libs/errors';
import { HealthModule } from '#libs/health';
import { IDEMPOTENCY_ERROR_CODES, IdempotencyKeyInterceptor } from '#libs/idempotency';
import { CorrelationInterceptor, ObservabilityLoggerModule, type ObservabilityLoggerOptions } from '#libs/observability';

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
}

/**
 * The inbound edge every service process shares, registered once per process for REST and gRPC
 * alike: JSON logs with correlation ids, JWT authentication, idempotency keys, health probes, and
 * the single exception filter that renders errors.
 */
@Module({})
export class EdgeModule {
  static forRoot(options: EdgeOptions): DynamicModule {
    const translator = new ErrorTranslator(Object.assign({}, IDEMPOTENCY_ERROR_CODES, ...options.errorCodes));
    return {
      module: EdgeModule,
      imports: [
        ObservabilityLoggerModule.forRoot({ service: options.service, ...options.logging }),
        AuthModule.forRoot(options.jwtVerifier),
        HealthModule.forRoot({ serviceNames: options.grpcServiceNames }),
      ],
      providers: [
        { provide: APP_INTERCEPTOR, useClass: CorrelationInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyKeyInterceptor },
        { provide: APP_FILTER, useValue: new ApiExceptionFilter(translator) },
      ],
    };
  }
}
