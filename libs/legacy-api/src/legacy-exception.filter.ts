import { applyDecorators, Logger, UseFilters, type ArgumentsHost, type ExceptionFilter, type Type } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { LEGACY_ROUTE_CONFIG, legacyFailureBody, legacyRouteOf, type LegacyFailure, type LegacyRouteOptions } from './legacy-route.js';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
}

/**
 * Exception filter of legacy routes only (the process-wide AIP-193 filter stays as it is): renders
 * every failure of the route, guards and interceptors included, as `{code, message}` plus the
 * route's failure field, with the HTTP status equal to `code`. A service subclasses it (with
 * `@Catch()`) to say how its errors read in the legacy dialect.
 */
export abstract class LegacyExceptionFilter<Route extends LegacyRouteOptions = LegacyRouteOptions> implements ExceptionFilter {
  private readonly logger = new Logger('LegacyApi');

  /**
   * The service's wording of a failure on a legacy route.
   * @param route the options the route was marked with (`{}` when it was not)
   * @returns the HTTP status (500 for anything unknown, without detail) and the message
   */
  protected abstract toLegacyFailure(exception: unknown, route: Route): LegacyFailure;

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const route = legacyRouteOf<Route>(http.getRequest()) ?? ({} as Route);
    const failure = this.toLegacyFailure(exception, route);
    if (failure.status === 500) this.logger.error({ err: exception }, 'unhandled error on a legacy route');
    else this.logger.debug({ status: failure.status }, failure.message);
    http
      .getResponse<ReplyLike>()
      .status(failure.status)
      .header('content-type', 'application/json; charset=utf-8')
      .send(legacyFailureBody(failure, route));
  }
}

/**
 * Marks a legacy route: its failures, body framing included, are `{code, message, ...failure}`.
 * The body framing itself is installed by the controller (`installLegacyBodyFraming`).
 * @param filter the service's `LegacyExceptionFilter`, which words the route's failures
 * @param options how the route frames its body and answers failures
 */
export function LegacyRoute<Route extends LegacyRouteOptions>(filter: Type<LegacyExceptionFilter<Route>>, options?: Route): MethodDecorator {
  return applyDecorators(RouteConfig({ [LEGACY_ROUTE_CONFIG]: options ?? {} }), UseFilters(filter));
}
