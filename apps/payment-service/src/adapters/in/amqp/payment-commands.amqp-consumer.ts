import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Public } from '#libs/auth';
import { DomainError } from '#libs/ddd';
import { ApiError, type StatusCode } from '#libs/errors';
import { messagingTransportId, PermanentMessageError, type MessagingQueue } from '#libs/messaging';
import { PAYMENT_ERROR_CODES } from '../payment-error-codes.js';
import { PaymentApi } from '../payment.api.js';

/** payment-service's name as a message consumer: its inbox rows and its transport id. */
export const PAYMENT_CONSUMER = 'payment-service';

/** The queue of the saga's payment commands (docs/messaging.md). */
export const PAYMENT_COMMANDS_QUEUE: MessagingQueue = Object.freeze({
  name: 'payment-service.commands',
  bindings: [{ exchange: 'oms.commands', pattern: 'payment.*' }],
});

/** Answers that the same message would get again: retrying cannot help. */
const DETERMINISTIC: readonly StatusCode[] = ['INVALID_ARGUMENT', 'NOT_FOUND', 'FAILED_PRECONDITION', 'ALREADY_EXISTS'];

/**
 * The saga's payment commands from `oms.commands` (queue `payment-service.commands`). Each runs the
 * same application command as the gRPC method of the same name, in the delivery's transaction
 * (inbox row, state change, gateway request and any reply commit together); the outcome is
 * replied on `oms.replies` when the gateway's callback arrives, or at once for a repeat of a
 * settled operation. The payload is proto3 JSON of the request message.
 *
 * `@Public()`: the broker is the trust boundary here (only services publish to `oms.commands`);
 * deliveries carry no bearer token for the global guard to check.
 */
@Controller()
@Public()
export class PaymentCommandsAmqpConsumer {
  constructor(private readonly api: PaymentApi) {}

  @EventPattern('payment.capture', messagingTransportId(PAYMENT_CONSUMER))
  capture(@Payload() payload: unknown): Promise<void> {
    return handle(() => this.api.capture(payload));
  }

  @EventPattern('payment.void', messagingTransportId(PAYMENT_CONSUMER))
  void(@Payload() payload: unknown): Promise<void> {
    return handle(() => this.api.void(payload));
  }

  @EventPattern('payment.refund', messagingTransportId(PAYMENT_CONSUMER))
  refund(@Payload() payload: unknown): Promise<void> {
    return handle(() => this.api.refund(payload));
  }
}

/**
 * Runs a command; a failure the same message would meet again (invalid payload, unknown payment,
 * a refused transition) becomes a PermanentMessageError and is dead-lettered at once. Anything
 * else (an operation in flight, a lost race, the gateway or the database down) is rethrown and
 * retried with backoff.
 */
async function handle(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (isDeterministic(error)) throw new PermanentMessageError((error as Error).message, { cause: error });
    throw error;
  }
}

function isDeterministic(error: unknown): boolean {
  if (error instanceof ApiError) return DETERMINISTIC.includes(error.status);
  if (!(error instanceof DomainError)) return false;
  const status = PAYMENT_ERROR_CODES[error.code];
  return status !== undefined && DETERMINISTIC.includes(status);
}
