import type { OrderView } from '../../../../application/views/order.view.js';

/** A legacy answer: the HTTP status is always `code`. */
export interface LegacyAnswer {
  readonly code: number;
  readonly message: string;
  readonly [field: string]: unknown;
}

/** `POST /api/orders/create` succeeded (a replay answers the first order, still `pending`). */
export function legacyOrderCreated(order: OrderView): LegacyAnswer {
  return { code: 200, message: 'Order created successfully', orderId: order.id, status: order.status.toLowerCase() };
}

/**
 * How a payment that did not go through is answered, by the reason the gateway or the saga gave
 * (README "Legacy /api" lists the table). Every one carries `paymentStatus: "failed"`.
 */
export const LEGACY_PAYMENT_FAILURES: Readonly<Record<string, { readonly status: number; readonly message: string }>> = {
  INSUFFICIENT_FUNDS: { status: 400, message: 'Payment failed due to insufficient funds' },
  PAYMENT_DECLINED: { status: 400, message: 'Payment failed because the card was declined' },
  CAPTURE_FAILED: { status: 400, message: 'Payment failed because the card could not be charged; the order was canceled' },
  CARD_EXPIRED: { status: 400, message: 'Payment failed because the card has expired' },
  PAYMENT_FAILED: { status: 400, message: 'Payment failed' },
  PAYMENT_PROVIDER_UNAVAILABLE: { status: 503, message: 'Payment failed because the payment provider is unavailable; retry later' },
  HOLD_TIMEOUT: { status: 504, message: 'Payment failed because the payment provider did not answer in time' },
};

/** The answer to a payment failure with `reason`; unknown reasons are named in a generic message. */
export function legacyPaymentFailure(reason: string): LegacyAnswer {
  const known = LEGACY_PAYMENT_FAILURES[reason];
  const { status, message } = known ?? { status: 400, message: `Payment failed (${reason || 'no reason given'})` };
  return { code: status, message, paymentStatus: 'failed' };
}

/**
 * `POST /api/payment/process` after PayOrder and its wait: the payment `paymentId` was captured
 * (200 completed), failed or was voided (failure), or is still being decided at the wait limit
 * (202 processing: the order shows the outcome later, e.g. `GET /v1/orders/{orderId}`).
 */
export function legacyPaymentOutcome(order: OrderView, paymentId: string): LegacyAnswer {
  const payment = order.payment?.id === paymentId ? order.payment : null;
  switch (payment?.status) {
    case 'CAPTURED':
    case 'REFUNDED':
      return { code: 200, message: 'Payment successful', paymentStatus: 'completed', transactionId: payment.transactionId };
    case 'FAILED':
      return legacyPaymentFailure(payment.failureReason);
    case 'VOIDED':
      return legacyPaymentFailure(order.statusReason || 'PAYMENT_FAILED');
    default:
      return {
        code: 202,
        message: `Payment is still processing; its outcome will show on order ${order.id}`,
        paymentStatus: 'processing',
      };
  }
}
