import type { ExecutionContext } from '@nestjs/common';
import { Observable } from 'rxjs';
import { requestContextFor } from './correlation-id.js';
import { RequestContext } from './request-context.js';

/**
 * Nest 12 microservice pre-request hook (runs before guards, for gRPC and any other transport)
 * that opens the {@link RequestContext}. `ObservabilityLoggerModule` registers it; a hybrid app
 * must connect its microservice with `{ inheritAppConfig: true }` for it to apply.
 */
export function correlationPreRequestHook(
  context: ExecutionContext,
  next: () => Observable<unknown>,
): Observable<unknown> {
  const data = requestContextFor(context);
  return new Observable((subscriber) => RequestContext.run(data, () => next().subscribe(subscriber)));
}
