import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../actor.js';
import type { OrderView } from '../../views/order.view.js';

/**
 * Waits until an order's operation has an outcome, up to a limit: the payment `paymentId` is
 * captured or failed (PayOrder), or the saga has nothing left to do (RefundOrder). Answers the
 * order as it then is; a failed payment is an error.
 */
export class AwaitOutcomeQuery extends Query<OrderView> {
  constructor(
    readonly actor: Actor,
    readonly orderId: string,
    readonly waitMs: number,
    /** Wait for this payment's outcome; without it, for the saga's compensations. */
    readonly paymentId?: string,
  ) {
    super();
  }
}
