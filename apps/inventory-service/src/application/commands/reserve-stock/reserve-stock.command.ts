import { Command } from '@nestjs/cqrs';
import type { ReservationItem } from '../../../domain/reservation.aggregate.js';
import type { ReservationCommandFields } from '../../reservation-change.js';
import type { ReservationView } from '../../views/reservation.view.js';

/** Reserve every item of an order, or none. */
export class ReserveStockCommand extends Command<ReservationView> implements ReservationCommandFields {
  constructor(
    readonly orderId: string,
    readonly items: readonly ReservationItem[],
    readonly alwaysReply: boolean,
  ) {
    super();
  }
}
