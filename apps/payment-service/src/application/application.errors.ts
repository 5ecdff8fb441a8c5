import { DomainError } from '#libs/ddd';

/** No payment with this id (and order id), or the order has no payment attempt. */
export class PaymentNotFoundError extends DomainError {
  readonly code = 'PAYMENT_NOT_FOUND';

  constructor(ids: { readonly paymentId?: string; readonly orderId?: string }) {
    const { paymentId = '', orderId = '' } = ids;
    super(paymentId ? `payment ${paymentId} not found` : `order ${orderId} has no payment attempt`, { orderId, paymentId });
  }
}

/** Another writer changed the payment between our read and our write. */
export class ConcurrentModificationError extends DomainError {
  readonly code = 'CONCURRENT_MODIFICATION';

  constructor(paymentId: string) {
    super(`payment ${paymentId} was modified concurrently; read it again and retry`, { paymentId });
  }
}

/** A new attempt was started while another attempt of the order is still live (not FAILED or VOIDED). */
export class PaymentAttemptLiveError extends DomainError {
  readonly code = 'PAYMENT_ATTEMPT_LIVE';

  constructor(orderId: string, livePaymentId: string) {
    super(`order ${orderId} already has a live payment attempt ${livePaymentId}; a new one may start only after it FAILED or was VOIDED`, {
      orderId,
      paymentId: livePaymentId,
    });
  }
}

/** The payment id is taken by an attempt of another order or amount: the same id must mean the same hold. */
export class PaymentIdConflictError extends DomainError {
  readonly code = 'PAYMENT_ID_CONFLICT';

  constructor(paymentId: string) {
    super(`payment ${paymentId} already exists for another order or amount`, { paymentId });
  }
}

/** Request-level validation failures, with field paths relative to the request message. */
export class InvalidRequestError extends DomainError {
  readonly code = 'INVALID_REQUEST';

  constructor(readonly violations: readonly { field: string; description: string }[]) {
    super(violations.map((v) => `${v.field}: ${v.description}`).join('; '));
  }
}
