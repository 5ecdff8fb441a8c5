import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { requestContextFor } from './correlation-id.js';
import { RequestContext } from './request-context.js';

/**
 * Global interceptor (register as `APP_INTERCEPTOR`, first of the app's interceptors) that opens
 * the {@link RequestContext} for HTTP and gRPC handlers alike and echoes `x-correlation-id`.
 *
 * Order in Nest: middleware, then guards, then interceptors, then pipes and the handler. With
 * `ObservabilityLoggerModule` imported the context is already open from the middleware (HTTP) or
 * the pre-request hook (gRPC), and this re-enters the same object; without it, this is where the
 * context starts, and fields that guards contributed via `seedRequestContext` are already in it.
 */
@Injectable()
export class CorrelationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const data = requestContextFor(context);
    // `next.handle()` binds the handler to the async scope it is called in, and the subscription
    // starts the handler, so both happen inside the scope.
    return new Observable((subscriber) =>
      RequestContext.run(data, () => next.handle().subscribe(subscriber)),
    );
  }
}
