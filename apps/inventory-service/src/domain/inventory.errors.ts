import { DomainError } from '#libs/ddd';
import type { ReservationStatus } from './reservation-status.js';

/** One broken rule of a request; `field` is a path into that request, e.g. `items[2].qty`. */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

function mergeByField(violations: readonly FieldViolation[]): Record<string, string> {
  const details: Record<string, string> = {};
  for (const { field, description } of violations) {
    details[field] = details[field] === undefined ? description : `${details[field]}; ${description}`;
  }
  return details;
}

/** An amount of money is malformed: negative, too large, or with an invalid currency. */
export class InvalidMoneyError extends DomainError {
  readonly code = 'INVALID_MONEY';
}

/** A product breaks one or more catalog rules; every violation found is listed. */
export class InvalidProductError extends DomainError {
  readonly code = 'INVALID_PRODUCT';
  readonly violations: readonly FieldViolation[];

  constructor(violations: readonly FieldViolation[]) {
    super(`Invalid product: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`, mergeByField(violations));
    this.violations = Object.freeze(violations.map((v) => Object.freeze({ ...v })));
  }
}

/** A Reserve request breaks one or more rules (item count, quantities, duplicate skus). */
export class InvalidReservationError extends DomainError {
  readonly code = 'INVALID_RESERVATION';
  readonly violations: readonly FieldViolation[];

  constructor(violations: readonly FieldViolation[]) {
    super(`Invalid reservation: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`, mergeByField(violations));
    this.violations = Object.freeze(violations.map((v) => Object.freeze({ ...v })));
  }
}

/** A product's stock would fall below the units live reservations hold. */
export class StockBelowReservedError extends DomainError {
  readonly code = 'STOCK_BELOW_RESERVED';

  constructor(sku: string, stock: number, reserved: number) {
    super(`Product ${sku} has ${reserved} units reserved; its stock cannot be set to ${stock}`, {
      sku,
      stock: String(stock),
      reserved: String(reserved),
    });
  }
}

/**
 * A stock movement would break `0 <= reserved <= stock`. The aggregates check availability before
 * they move stock, so this signals a bug (or a corrupt row), never a client mistake.
 */
export class StockInvariantError extends DomainError {
  readonly code = 'STOCK_INVARIANT';

  constructor(sku: string, operation: string, qty: number, stock: number, reserved: number) {
    super(`Product ${sku}: cannot ${operation} ${qty} units with stock ${stock} and ${reserved} reserved`, {
      sku,
      operation,
      qty: String(qty),
      stock: String(stock),
      reserved: String(reserved),
    });
  }
}

/** Reserve was repeated for an order with other items than the first time. */
export class ReservationConflictError extends DomainError {
  readonly code = 'RESERVATION_ALREADY_EXISTS';

  constructor(orderId: string) {
    super(`Order ${orderId} already has a reservation with other items`, { orderId });
  }
}

/** Commit was asked of a reservation whose units are no longer held. */
export class ReservationNotCommittableError extends DomainError {
  readonly code = 'RESERVATION_NOT_COMMITTABLE';

  constructor(orderId: string, status: ReservationStatus) {
    super(`The reservation of order ${orderId} is ${status}; only a RESERVED one can be committed`, { orderId, status });
  }
}
