import { Command } from '@nestjs/cqrs';
import type { PaymentView } from '../../views/payment.view.js';

/** Return a payment's captured amount, in full. */
export class RefundPaymentCommand extends Command<PaymentView> {
  constructor(
    readonly orderId: string,
    readonly paymentId: string,
    /** Why; kept for audit. */
    readonly reason: string,
  ) {
    super();
  }
}
