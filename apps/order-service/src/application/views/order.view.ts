import type { Order } from '../../domain/order.aggregate.js';
import type { OrderStatus, PaymentStatus } from '../../domain/order-status.js';

/** Money as it leaves the application: minor units as a decimal string (int64-safe, JSON-safe). */
export interface MoneyView {
  readonly currency: string;
  readonly amountMinor: string;
}

export interface PaymentView {
  readonly id: string;
  readonly status: PaymentStatus;
  readonly method: string;
  readonly cardBrand: string;
  readonly cardLast4: string;
  readonly transactionId: string;
  readonly failureReason: string;
}

/**
 * What the use cases answer with. Plain JSON on purpose: the idempotency store keeps it verbatim
 * and a replay hands the very same value to whichever port asked.
 */
export interface OrderView {
  readonly id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly statusReason: string;
  readonly amount: MoneyView;
  readonly items: readonly { readonly sku: string; readonly qty: number; readonly price: MoneyView }[];
  readonly version: number;
  readonly createTime: string;
  readonly updateTime: string;
  readonly payment: PaymentView | null;
}

export function toOrderView(order: Order): OrderView {
  const s = order.toSnapshot();
  const currency = s.amount.currency;
  return {
    id: s.id,
    customerId: s.customerId,
    status: s.status,
    statusReason: s.statusReason,
    amount: { currency, amountMinor: s.amount.amountMinor.toString() },
    items: s.items.map((i) => ({ sku: i.sku, qty: i.qty, price: { currency, amountMinor: i.unitPriceMinor.toString() } })),
    version: s.version,
    createTime: s.createTime.toISOString(),
    updateTime: s.updateTime.toISOString(),
    payment:
      s.payment === null
        ? null
        : {
            id: s.payment.id,
            status: s.payment.status,
            method: s.payment.method,
            cardBrand: s.payment.cardBrand,
            cardLast4: s.payment.cardLast4,
            transactionId: s.payment.transactionId,
            failureReason: s.payment.failureReason,
          },
  };
}
