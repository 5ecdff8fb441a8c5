import { Injectable } from '@nestjs/common';
import { CommandBus, type Command } from '@nestjs/cqrs';
import { RequestContext } from '#libs/observability';
import { IdempotencyStore } from './idempotency.store.js';
import { requestHash } from './request-hash.js';

/**
 * The command bus the ports use. With an `idempotency-key` on the request (put in the request
 * context by {@link IdempotencyKeyInterceptor}) a command runs at most once per caller and key,
 * and repeats get the first answer; without one it is the plain CommandBus.
 */
@Injectable()
export class IdempotentCommandBus {
  constructor(
    private readonly bus: CommandBus,
    private readonly store: IdempotencyStore,
  ) {}

  execute<R>(command: Command<R>): Promise<R> {
    const context = RequestContext.current();
    const key = context?.idempotencyKey;
    if (!key) return this.bus.execute(command);
    return this.store.once(
      { scope: context.subject ?? '', key, requestHash: requestHash(command) },
      () => this.bus.execute(command),
    );
  }
}
