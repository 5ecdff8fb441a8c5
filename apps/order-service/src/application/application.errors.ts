import { DomainError } from '#libs/ddd';

/** The order does not exist, or belongs to another customer (indistinguishable on purpose). */
export class OrderNotFoundError extends DomainError {
  readonly code = 'ORDER_NOT_FOUND';
  constructor(id: string) {
    super(`order ${id} not found`, { orderId: id });
  }
}

/** The caller's `expected_version` differs from the stored one. */
export class VersionMismatchError extends DomainError {
  readonly code = 'VERSION_MISMATCH';
  constructor(id: string, expected: number, actual: number) {
    super(`order ${id} is at version ${actual}, not ${expected}`, {
      orderId: id,
      expectedVersion: String(expected),
      actualVersion: String(actual),
    });
  }
}

/** Another writer changed the order between our read and our write. */
export class ConcurrentModificationError extends DomainError {
  readonly code = 'CONCURRENT_MODIFICATION';
  constructor(id: string) {
    super(`order ${id} was modified concurrently; read it again and retry`, { orderId: id });
  }
}

/** A customer tried to act on someone else's behalf (e.g. create an order for another customer). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

/** Request-level validation failures, with field paths relative to the request message. */
export class InvalidRequestError extends DomainError {
  readonly code = 'INVALID_REQUEST';
  constructor(readonly violations: readonly { field: string; description: string }[]) {
    super(violations.map((v) => `${v.field}: ${v.description}`).join('; '));
  }
}

/** Another operation (payment, commit, compensation) is under way on the order; retry later. */
export class OrderBusyError extends DomainError {
  readonly code = 'OPERATION_IN_PROGRESS';
  constructor(orderId: string, phase: string) {
    super(`another operation is in progress on order ${orderId}; retry when it has finished`, { orderId, phase });
  }
}

/**
 * The payment attempt failed; `code` is the gateway's reason (PAYMENT_DECLINED,
 * INSUFFICIENT_FUNDS, PAYMENT_PROVIDER_UNAVAILABLE, ...). The order stays payable.
 */
export class PaymentFailedError extends DomainError {
  constructor(
    orderId: string,
    paymentId: string,
    readonly code: string,
  ) {
    super(`the payment was not accepted: ${code}`, { orderId, paymentId });
  }
}
