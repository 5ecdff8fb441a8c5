import { Command } from '@nestjs/cqrs';
import type { OrderChange } from '../../order-access.js';
import type { OrderView, PaymentView } from '../../views/order.view.js';

export const PAYMENT_METHODS = ['credit_card'] as const;

export interface PayOrderResult {
  readonly order: OrderView;
  readonly payment: PaymentView;
}

export class PayOrderCommand extends Command<PayOrderResult> implements OrderChange {
  constructor(
    readonly actor: OrderChange['actor'],
    readonly orderId: string,
    readonly paymentMethod: string,
    /** Passed through to the gateway only; never stored, logged or published. */
    readonly card: { readonly number: string; readonly expiry: string; readonly cvv: string },
    readonly expectedVersion?: number,
    /** The amount the client expects to pay, in major units (`"100.50"`); must equal the order's. */
    readonly statedAmount?: string,
  ) {
    super();
  }

  /** What makes two PayOrder requests the same, without the card number or CVV (never hashed or stored). */
  idempotencyFingerprint(): object {
    const digits = this.card.number.replace(/\D/g, '');
    return {
      actor: this.actor,
      orderId: this.orderId,
      paymentMethod: this.paymentMethod,
      card: { last4: digits.slice(-4), length: digits.length, expiry: this.card.expiry },
      expectedVersion: this.expectedVersion,
      statedAmount: this.statedAmount,
    };
  }
}
