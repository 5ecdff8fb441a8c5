import { RpcException } from '@nestjs/microservices';

const PERMANENT = Symbol.for('oms.messaging.permanent');

/**
 * Thrown by a message handler for a message that can never succeed (unreadable payload, unknown
 * entity that will never exist, ...): the message goes to the dead-letter queue at once instead
 * of being retried. Any other error is treated as transient and retried with backoff.
 *
 * It is an `RpcException` whose `getError()` is the error itself, so Nest's default RPC
 * exception handling hands this very object back to the transport.
 */
export class PermanentMessageError extends RpcException {
  readonly code = 'PERMANENT_MESSAGE_ERROR';
  readonly [PERMANENT] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'PermanentMessageError';
    if (options?.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }

  override getError(): this {
    return this;
  }
}

/** Whether `error` is a {@link PermanentMessageError} (also one from another copy of this lib). */
export function isPermanentMessageError(error: unknown): error is PermanentMessageError {
  return error instanceof PermanentMessageError || (typeof error === 'object' && error !== null && (error as { [PERMANENT]?: unknown })[PERMANENT] === true);
}
