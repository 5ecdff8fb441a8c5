import type { PaymentOperation, PaymentStatus } from './payment-status.js';

/**
 * The full state of a payment attempt, as persisted. Card data is limited to brand, last four
 * digits and the gateway's token: never the number or the CVV.
 */
export interface PaymentSnapshot {
  readonly id: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly status: PaymentStatus;
  /** The gateway operation awaiting its outcome, if any. */
  readonly pendingOperation: PaymentOperation | null;
  readonly amount: { readonly currency: string; readonly amountMinor: bigint };
  /** What the gateway captured; 0 until CAPTURED. */
  readonly capturedMinor: bigint;
  /** What the gateway returned; never more than captured. */
  readonly refundedMinor: bigint;
  readonly method: string;
  readonly provider: string;
  readonly cardBrand: string;
  readonly cardLast4: string;
  /** The gateway's token for the card, usable only with that gateway. */
  readonly gatewayToken: string;
  /** The gateway's transaction id, once the hold was confirmed. */
  readonly transactionId: string;
  /** Why the last operation failed (PAYMENT_DECLINED, INSUFFICIENT_FUNDS, CAPTURE_FAILED, ...). */
  readonly failureReason: string;
  /** Why the last void or refund was asked for; kept for audit. */
  readonly statusReason: string;
  readonly version: number;
  readonly createTime: Date;
  readonly updateTime: Date;
}
