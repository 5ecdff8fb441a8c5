import { Command } from '@nestjs/cqrs';
import type { CardDetails } from '../../ports/card-gateway.port.js';
import type { PaymentView } from '../../views/payment.view.js';

/** Payment methods payment-service can hold. */
export const PAYMENT_METHODS = ['credit_card'] as const;

/** Hold the order's amount on a card: a new payment attempt, PROCESSING until the gateway answers. */
export class HoldPaymentCommand extends Command<PaymentView> {
  constructor(
    readonly orderId: string,
    readonly paymentId: string,
    readonly amount: { readonly currency: string; readonly amountMinor: bigint },
    readonly paymentMethod: string,
    /** Passed through to the gateway only; never stored, logged, hashed or published. */
    readonly card: CardDetails,
    readonly customerId: string,
  ) {
    super();
  }

  /** What makes two Hold requests the same, without the card number or CVV. */
  idempotencyFingerprint(): object {
    const digits = this.card.number.replace(/\D/g, '');
    return {
      orderId: this.orderId,
      paymentId: this.paymentId,
      amount: this.amount,
      paymentMethod: this.paymentMethod,
      card: { last4: digits.slice(-4), length: digits.length, expiry: this.card.expiry },
      customerId: this.customerId,
    };
  }
}
