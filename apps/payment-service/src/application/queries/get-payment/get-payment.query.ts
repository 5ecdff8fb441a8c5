import { Query } from '@nestjs/cqrs';
import type { PaymentView } from '../../views/payment.view.js';

/** One payment attempt; with an empty payment id, the order's latest. */
export class GetPaymentQuery extends Query<PaymentView> {
  constructor(
    readonly orderId: string,
    readonly paymentId: string,
  ) {
    super();
  }
}
