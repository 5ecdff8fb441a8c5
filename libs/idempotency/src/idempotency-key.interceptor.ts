import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Metadata } from '@grpc/grpc-js';
import { RequestContext } from '#libs/observability';
import type { Observable } from 'rxjs';
import { parseIdempotencyKey } from './idempotency-key.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const IDEMPOTENT = Symbol('idempotent');

/** Marks a mutation whose `Idempotency-Key` header / `idempotency-key` metadata is honoured. */
export const Idempotent = (): MethodDecorator => SetMetadata(IDEMPOTENT, true);

function rawKey(context: ExecutionContext): unknown {
  if (context.getType() === 'rpc') {
    const values = context.switchToRpc().getContext<Metadata>().get(IDEMPOTENCY_HEADER);
    return values.length > 0 ? String(values[0]) : undefined;
  }
  return context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[IDEMPOTENCY_HEADER];
}

/**
 * Reads and validates the idempotency key of an {@link Idempotent} handler, for both ports, and
 * puts it in the request context where {@link IdempotentCommandBus} finds it.
 */
@Injectable()
export class IdempotencyKeyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.get<boolean>(IDEMPOTENT, context.getHandler())) {
      const key = parseIdempotencyKey(rawKey(context));
      if (key !== undefined) RequestContext.patch({ idempotencyKey: key });
    }
    return next.handle();
  }
}
