import { Command } from '@nestjs/cqrs';
import type { ReservationCommandFields } from '../../reservation-change.js';
import type { ReservationView } from '../../views/reservation.view.js';

/** Sell an order's held units (after the payment was captured). */
export class CommitStockCommand extends Command<ReservationView> implements ReservationCommandFields {
  constructor(
    readonly orderId: string,
    readonly alwaysReply: boolean,
  ) {
    super();
  }
}
