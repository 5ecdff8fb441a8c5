import { Command } from '@nestjs/cqrs';
import type { OrderChangeOutcome } from '../notify-order-status-change/notify-order-status-change.command.js';

/** Payment statuses as the events name them, without the `PAYMENT_STATUS_` prefix. */
export type PaymentStatusName = 'PROCESSING' | 'HELD' | 'CAPTURED' | 'FAILED' | 'VOIDED' | 'REFUNDED';

/** React to one `payment.status_changed` event. */
export class NotifyPaymentStatusChangeCommand extends Command<OrderChangeOutcome> {
  constructor(
    readonly orderId: string,
    readonly paymentId: string,
    readonly newStatus: PaymentStatusName,
    readonly seq: number,
    readonly occurredAt: Date,
  ) {
    super();
  }
}
