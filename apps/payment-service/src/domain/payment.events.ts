import type { PaymentOperation, PaymentStatus } from './payment-status.js';

/** An operation was sent to the gateway; its outcome arrives later. */
export interface PaymentOperationRequestedEvent {
  readonly type: 'payment.operation_requested';
  readonly paymentId: string;
  readonly orderId: string;
  readonly operation: PaymentOperation;
  readonly occurredAt: Date;
}

/**
 * The gateway's outcome of an operation was applied. Its caller (the saga) is told with a
 * `payment.<operation>.result` reply carrying the payment as it stands after this change.
 */
export interface PaymentOperationSettledEvent {
  readonly type: 'payment.operation_settled';
  readonly paymentId: string;
  readonly orderId: string;
  readonly operation: PaymentOperation;
  readonly succeeded: boolean;
  readonly prevStatus: PaymentStatus;
  readonly newStatus: PaymentStatus;
  readonly occurredAt: Date;
}

/** Every event the payment aggregate records. */
export type PaymentEvent = PaymentOperationRequestedEvent | PaymentOperationSettledEvent;
