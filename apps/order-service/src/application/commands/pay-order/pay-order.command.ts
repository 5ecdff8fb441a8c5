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
  ) {
    super();
  }
}
