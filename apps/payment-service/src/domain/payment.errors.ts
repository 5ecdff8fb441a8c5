import { DomainError } from '#libs/ddd';
import type { PaymentOperation, PaymentStatus } from './payment-status.js';

/** The payment cannot move from its current status to the requested one. */
export class IllegalTransitionError extends DomainError {
  readonly code = 'ILLEGAL_TRANSITION';

  constructor(paymentId: string, from: PaymentStatus, to: PaymentStatus | PaymentOperation) {
    super(`Payment ${paymentId} cannot go from ${from} to ${to}`, { paymentId, from, to });
  }
}

/** Capture was requested of a payment whose funds are not held (declined or already released). */
export class PaymentNotCapturableError extends DomainError {
  readonly code = 'PAYMENT_NOT_CAPTURABLE';

  constructor(paymentId: string, status: PaymentStatus) {
    super(`Payment ${paymentId} is ${status}; only a HELD payment can be captured`, { paymentId, status });
  }
}

/** Void was requested of a payment whose funds were already captured. */
export class PaymentNotVoidableError extends DomainError {
  readonly code = 'PAYMENT_NOT_VOIDABLE';

  constructor(paymentId: string, status: PaymentStatus) {
    super(`Payment ${paymentId} is ${status} and can no longer be voided; refund it instead`, { paymentId, status });
  }
}

/** Refund was requested of a payment that was never captured. */
export class PaymentNotRefundableError extends DomainError {
  readonly code = 'PAYMENT_NOT_REFUNDABLE';

  constructor(paymentId: string, status: PaymentStatus) {
    super(`Payment ${paymentId} is ${status}; only a CAPTURED payment can be refunded`, { paymentId, status });
  }
}

/** Another gateway operation of the payment is in flight; retry once its outcome has arrived. */
export class OperationInProgressError extends DomainError {
  readonly code = 'OPERATION_IN_PROGRESS';

  constructor(paymentId: string, pending: PaymentOperation, requested: PaymentOperation) {
    super(`Payment ${paymentId} is waiting for the outcome of its ${pending}; retry the ${requested} once it has arrived`, {
      paymentId,
      pendingOperation: pending,
      requestedOperation: requested,
    });
  }
}

/** One reason a new payment is invalid; `field` names the request field, e.g. `amount`. */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/** A new payment breaks one or more rules; every violation found is listed. */
export class InvalidPaymentError extends DomainError {
  readonly code = 'INVALID_PAYMENT';
  readonly violations: readonly FieldViolation[];

  constructor(violations: readonly FieldViolation[]) {
    super(`Invalid payment: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`);
    this.violations = Object.freeze(violations.map((v) => Object.freeze({ ...v })));
  }
}

/** An amount of money is malformed: negative, too large, fractional, or with an invalid currency. */
export class InvalidMoneyError extends DomainError {
  readonly code = 'INVALID_MONEY';
}
