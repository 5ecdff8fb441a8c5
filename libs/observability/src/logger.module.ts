import { Global, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { correlationMiddleware } from './correlation.middleware.js';
import { correlationPreRequestHook } from './correlation-pre-request.hook.js';
import { ALL_ROUTES, buildLoggerParams, type ObservabilityLoggerOptions } from './logger-options.js';

/**
 * JSON logging (pino via nestjs-pino) with `service`, `correlationId` and `orderId` on every line,
 * secrets and card data redacted. Besides the logger it installs what opens the
 * `RequestContext` before guards: an HTTP middleware and a microservice pre-request hook
 * (hybrid apps: `connectMicroservice(opts, { inheritAppConfig: true })`).
 *
 * nestjs-pino keeps one root logger per process: the first `forRoot` in a process wins.
 */
@Global()
@Module({})
export class ObservabilityLoggerModule implements NestModule {
  /** @param options service name, level (default `LOG_LEVEL`, then `info`), optional test stream. */
  static forRoot(options: ObservabilityLoggerOptions): DynamicModule {
    const logger = LoggerModule.forRoot(buildLoggerParams(options));
    return { module: ObservabilityLoggerModule, imports: [logger], exports: [logger] };
  }

  constructor(applicationConfig: ApplicationConfig) {
    // Registered at module construction: microservice handlers are built later, at listen time,
    // and read the hooks then.
    applicationConfig.registerPreRequestHook(correlationPreRequestHook);
  }

  /** Opens the context for every HTTP route, ahead of nestjs-pino's own middleware. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(correlationMiddleware).forRoutes(ALL_ROUTES);
  }
}
