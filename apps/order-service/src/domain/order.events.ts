import type { OrderStatus, PaymentStatus } from './order-status.js';

/**
 * The order moved to a new status. `seq` counts these events per order from 1 without gaps,
 * so consumers deduplicate by `(orderId, type, seq)`.
 */
export interface OrderStatusChangedEvent {
  readonly type: 'order.status_changed';
  readonly orderId: string;
  /** `null` for the creation of the order. */
  readonly prevStatus: OrderStatus | null;
  readonly newStatus: OrderStatus;
  /** Why the transition happened, e.g. `PAYMENT_TIMEOUT`; empty when self-evident. */
  readonly reason: string;
  readonly seq: number;
  readonly occurredAt: Date;
}

/** The order's payment moved to a new status. `seq` counts these per order, independent of order events. */
export interface PaymentStatusChangedEvent {
  readonly type: 'payment.status_changed';
  readonly orderId: string;
  readonly paymentId: string;
  /** `null` for the first payment of the order; the declined one's status for a retry. */
  readonly prevStatus: PaymentStatus | null;
  readonly newStatus: PaymentStatus;
  readonly provider: string;
  /** The provider's transaction id; empty until the payment is captured. */
  readonly externalId: string;
  readonly seq: number;
  readonly occurredAt: Date;
}

/** Every event the order aggregate records. */
export type OrderEvent = OrderStatusChangedEvent | PaymentStatusChangedEvent;
