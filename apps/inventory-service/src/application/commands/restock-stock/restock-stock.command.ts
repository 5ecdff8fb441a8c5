import { Command } from '@nestjs/cqrs';
import type { ReservationCommandFields } from '../../reservation-change.js';
import type { ReservationView } from '../../views/reservation.view.js';

/** Return an order's units after a refund. */
export class RestockStockCommand extends Command<ReservationView> implements ReservationCommandFields {
  constructor(
    readonly orderId: string,
    /** Why, e.g. the refund reason; kept for audit. */
    readonly reason: string,
    readonly alwaysReply: boolean,
  ) {
    super();
  }
}
