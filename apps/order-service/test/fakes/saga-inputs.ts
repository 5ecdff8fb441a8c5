import type { PaymentOutcome, ReservationOutcome, SagaInput } from '../../src/application/saga/order-saga.state.js';

/** The replies of inventory-service and payment-service, as the AMQP consumer hands them to the saga. */
export const reservation = (status: ReservationOutcome): SagaInput => ({ kind: 'reservation', status });

export function paymentReply(
  op: 'hold' | 'capture' | 'void' | 'refund',
  paymentId: string,
  status: PaymentOutcome,
  extra: { failureReason?: string; transactionId?: string } = {},
): SagaInput {
  return { kind: 'payment', op, paymentId, status, failureReason: extra.failureReason ?? '', transactionId: extra.transactionId ?? '' };
}

export const held = (paymentId: string): SagaInput => paymentReply('hold', paymentId, 'HELD');
export const holdFailed = (paymentId: string, failureReason = 'PAYMENT_DECLINED'): SagaInput =>
  paymentReply('hold', paymentId, 'FAILED', { failureReason });
export const captured = (paymentId: string, transactionId = `${paymentId}-tx`): SagaInput =>
  paymentReply('capture', paymentId, 'CAPTURED', { transactionId });
export const captureFailed = (paymentId: string): SagaInput =>
  paymentReply('capture', paymentId, 'FAILED', { failureReason: 'CAPTURE_FAILED' });
export const voided = (paymentId: string): SagaInput => paymentReply('void', paymentId, 'VOIDED');
export const refunded = (paymentId: string): SagaInput => paymentReply('refund', paymentId, 'REFUNDED');
