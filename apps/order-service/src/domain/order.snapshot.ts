import type { OrderStatus, PaymentStatus } from './order-status.js';

/** The payment state carried by an order, as persisted and as shown to clients. */
export interface PaymentSnapshot {
  readonly id: string;
  readonly status: PaymentStatus;
  /** Payment gateway that processes it, e.g. `simulated`; needed to stamp later payment events. */
  readonly provider: string;
  readonly method: string;
  readonly cardBrand: string;
  readonly cardLast4: string;
  /** The provider's transaction id; empty until captured. */
  readonly transactionId: string;
  /** Why the payment failed; empty unless FAILED. */
  readonly failureReason: string;
}

/** One order line as persisted; its currency is the order's. */
export interface OrderItemSnapshot {
  readonly sku: string;
  readonly qty: number;
  readonly unitPriceMinor: bigint;
}

/**
 * The full state of an order, for repositories to persist and rehydrate. It deliberately has no
 * persisted version: that is bookkeeping of the loaded instance, not state.
 */
export interface OrderSnapshot {
  readonly id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly statusReason: string;
  readonly amount: { readonly currency: string; readonly amountMinor: bigint };
  readonly items: readonly OrderItemSnapshot[];
  readonly version: number;
  /** Number of `order.status_changed` events recorded so far (the last one's seq). */
  readonly statusSeq: number;
  /** Number of `payment.status_changed` events recorded so far (the last one's seq). */
  readonly paymentSeq: number;
  readonly createTime: Date;
  readonly updateTime: Date;
  readonly payment: PaymentSnapshot | null;
}
