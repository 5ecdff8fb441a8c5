import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, throwError, type Observable } from 'rxjs';
import { MessageContext, recordHandlerError } from './message.context.js';

/**
 * Nest's exception filters turn a handler's error into a plain `{ status, message }` (or, with an
 * app-wide filter, into a gRPC error) before a transport sees it. This interceptor notes the
 * original error on the {@link MessageContext} first, so the consumer can tell a
 * `PermanentMessageError` from a transient failure and dead-letter with the real message.
 * `connectMessagingTransport` installs it on the messaging microservice; without it, permanent
 * errors are still recognised (they survive Nest's default handling) but other errors reach the
 * dead-letter headers as "Internal server error".
 */
@Injectable()
export class MessageErrorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const messageContext: unknown = context.getType() === 'rpc' ? context.switchToRpc().getContext() : undefined;
    if (!(messageContext instanceof MessageContext)) return next.handle();
    return next.handle().pipe(
      catchError((error: unknown) => {
        recordHandlerError(messageContext, error);
        return throwError(() => error);
      }),
    );
  }
}
