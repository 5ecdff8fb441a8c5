import { commonV1, paymentV1, timestampFromDate } from '#libs/contracts';
import type { Payment } from '../../domain/payment.aggregate.js';
import type { PaymentStatus } from '../../domain/payment-status.js';

/**
 * What the use cases answer with. Plain JSON on purpose: the idempotency store keeps it verbatim
 * and a replay hands the very same value to whichever port asked.
 */
export interface PaymentView {
  readonly paymentId: string;
  readonly orderId: string;
  readonly status: PaymentStatus;
  readonly amount: { readonly currency: string; readonly amountMinor: string };
  readonly method: string;
  readonly cardBrand: string;
  readonly cardLast4: string;
  readonly provider: string;
  readonly transactionId: string;
  readonly failureReason: string;
  readonly createTime: string;
  readonly updateTime: string;
}

export function toPaymentView(payment: Payment): PaymentView {
  const s = payment.toSnapshot();
  return {
    paymentId: s.id,
    orderId: s.orderId,
    status: s.status,
    amount: { currency: s.amount.currency, amountMinor: s.amount.amountMinor.toString() },
    method: s.method,
    cardBrand: s.cardBrand,
    cardLast4: s.cardLast4,
    provider: s.provider,
    transactionId: s.transactionId,
    failureReason: s.failureReason,
    createTime: s.createTime.toISOString(),
    updateTime: s.updateTime.toISOString(),
  };
}

/** The answer for a payment id never recorded that is asked to be voided: VOIDED, nothing else known. */
export function nothingHeldView(target: { readonly orderId: string; readonly paymentId: string }, now: Date): PaymentView {
  return {
    paymentId: target.paymentId,
    orderId: target.orderId,
    status: 'VOIDED',
    amount: { currency: '', amountMinor: '0' },
    method: '',
    cardBrand: '',
    cardLast4: '',
    provider: '',
    transactionId: '',
    failureReason: '',
    createTime: now.toISOString(),
    updateTime: now.toISOString(),
  };
}

/**
 * The one wire shape of a payment (`oms.v1.PaymentRecord`), answered over gRPC and published in
 * replies. CAPTURE_FAILED has no wire status of its own: it is FAILED with that failure reason
 * (docs/messaging.md), although the funds stay held until the saga voids them.
 */
export function toPaymentRecord(view: PaymentView): paymentV1.PaymentRecord {
  const status = view.status === 'CAPTURE_FAILED' ? 'FAILED' : view.status;
  return {
    paymentId: view.paymentId,
    orderId: view.orderId,
    status: commonV1.PaymentStatus[`PAYMENT_STATUS_${status}`],
    amount: { currency: view.amount.currency, amountMinor: view.amount.amountMinor },
    method: view.method,
    cardBrand: view.cardBrand,
    cardLast4: view.cardLast4,
    provider: view.provider,
    transactionId: view.transactionId,
    failureReason: view.failureReason,
    createTime: timestampFromDate(new Date(view.createTime)),
    updateTime: timestampFromDate(new Date(view.updateTime)),
  };
}
