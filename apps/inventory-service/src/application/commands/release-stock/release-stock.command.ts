import { Command } from '@nestjs/cqrs';
import type { ReservationCommandFields } from '../../reservation-change.js';
import type { ReservationView } from '../../views/reservation.view.js';

/** Give an order's held units back (cancel, payment timeout, capture failure). */
export class ReleaseStockCommand extends Command<ReservationView> implements ReservationCommandFields {
  constructor(
    readonly orderId: string,
    /** Why, e.g. PAYMENT_TIMEOUT; kept for audit. */
    readonly reason: string,
    readonly alwaysReply: boolean,
  ) {
    super();
  }
}
