import { DomainError } from '#libs/ddd';
import type { OrderStatus, PaymentStatus } from './order-status.js';

/** The order or its payment cannot move from its current status to the requested one. */
export class IllegalTransitionError extends DomainError {
  readonly code = 'ILLEGAL_TRANSITION';

  constructor(props: {
    orderId: string;
    subject: 'order' | 'payment';
    from: OrderStatus | PaymentStatus | null;
    to: OrderStatus | PaymentStatus;
  }) {
    const from = props.from ?? 'NONE';
    super(
      props.from === null
        ? `Order ${props.orderId} has no payment to move to ${props.to}`
        : props.subject === 'order'
          ? `Order ${props.orderId} cannot go from ${from} to ${props.to}`
          : `The payment of order ${props.orderId} cannot go from ${from} to ${props.to}`,
      { orderId: props.orderId, subject: props.subject, from, to: props.to },
    );
  }
}

/** Payment was requested for an order that is not RESERVED. */
export class OrderNotPayableError extends DomainError {
  readonly code = 'ORDER_NOT_PAYABLE';

  constructor(orderId: string, status: OrderStatus) {
    super(`Order ${orderId} is ${status}; only a RESERVED order can be paid`, { orderId, status });
  }
}

/** Cancellation was requested for an order that is past the point of cancellation. */
export class OrderNotCancelableError extends DomainError {
  readonly code = 'ORDER_NOT_CANCELABLE';

  constructor(orderId: string, status: OrderStatus) {
    const paid = status === 'PAID' || status === 'CONFIRMED';
    super(
      paid
        ? `Order ${orderId} is ${status} and can no longer be canceled; refund it instead`
        : `Order ${orderId} is already ${status} and cannot be canceled`,
      { orderId, status },
    );
  }
}

/** A refund was requested for an order that was never paid or is already refunded. */
export class OrderNotRefundableError extends DomainError {
  readonly code = 'ORDER_NOT_REFUNDABLE';

  constructor(orderId: string, status: OrderStatus) {
    super(`Order ${orderId} is ${status}; only a PAID or CONFIRMED order can be refunded`, { orderId, status });
  }
}

/** A payment operation on the order is in flight; the command must wait for its outcome. */
export class OperationInProgressError extends DomainError {
  readonly code = 'OPERATION_IN_PROGRESS';

  constructor(orderId: string, paymentId: string, paymentStatus: PaymentStatus) {
    super(`Payment ${paymentId} of order ${orderId} is still ${paymentStatus}; retry once it has completed`, {
      orderId,
      paymentId,
      paymentStatus,
    });
  }
}

/** One reason a CreateOrder request is invalid; `field` is a path into that request, e.g. `items[2].qty`. */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/** A new order breaks one or more rules; every violation found is listed, not just the first. */
export class InvalidOrderError extends DomainError {
  readonly code = 'INVALID_ORDER';
  readonly violations: readonly FieldViolation[];

  constructor(violations: readonly FieldViolation[]) {
    const summary = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
    super(`Invalid order: ${summary}`, mergeByField(violations));
    this.violations = Object.freeze(violations.map((v) => Object.freeze({ ...v })));
  }
}

/** Two amounts in different currencies were combined. */
export class CurrencyMismatchError extends DomainError {
  readonly code = 'CURRENCY_MISMATCH';

  constructor(expected: string, actual: string) {
    super(`Cannot combine an amount in ${actual} with one in ${expected}`, { expected, actual });
  }
}

/** An amount of money is malformed: negative, too large, fractional, or with an invalid currency. */
export class InvalidMoneyError extends DomainError {
  readonly code = 'INVALID_MONEY';
}

function mergeByField(violations: readonly FieldViolation[]): Record<string, string> {
  const details: Record<string, string> = {};
  for (const { field, description } of violations) {
    details[field] = details[field] === undefined ? description : `${details[field]}; ${description}`;
  }
  return details;
}
