import { DomainError } from '#libs/ddd';

/** No product has this sku. */
export class ProductNotFoundError extends DomainError {
  readonly code = 'PRODUCT_NOT_FOUND';
  constructor(sku: string) {
    super(`product ${sku} not found`, { sku });
  }
}

/** The order has no reservation (Commit needs one). */
export class ReservationNotFoundError extends DomainError {
  readonly code = 'RESERVATION_NOT_FOUND';
  constructor(orderId: string) {
    super(`order ${orderId} has no reservation`, { orderId });
  }
}

/** Another writer changed the row between our read and our write; a retry reads it again. */
export class ConcurrentModificationError extends DomainError {
  readonly code = 'CONCURRENT_MODIFICATION';
  constructor(what: string) {
    super(`${what} was modified concurrently; retry`, { resource: what });
  }
}
