import { Command } from '@nestjs/cqrs';
import type { PaymentView } from '../../views/payment.view.js';

/** Release a payment's hold without capturing it. */
export class VoidPaymentCommand extends Command<PaymentView> {
  constructor(
    readonly orderId: string,
    readonly paymentId: string,
    /** Why; kept for audit. */
    readonly reason: string,
  ) {
    super();
  }
}
