import { Command } from '@nestjs/cqrs';
import type { PaymentView } from '../../views/payment.view.js';

/** Capture the held amount of a payment, in full. */
export class CapturePaymentCommand extends Command<PaymentView> {
  constructor(
    readonly orderId: string,
    readonly paymentId: string,
  ) {
    super();
  }
}
