import type { ReservationStatus } from './reservation-status.js';

/** A reservation was placed (prevStatus null) or moved to another status. */
export interface ReservationStatusChangedEvent {
  readonly type: 'reservation.status_changed';
  readonly orderId: string;
  readonly prevStatus: ReservationStatus | null;
  readonly newStatus: ReservationStatus;
  /** Why: the failure reason of a rejection, the caller's reason for a release or restock. */
  readonly reason: string;
  readonly occurredAt: Date;
}

/**
 * A product was created or its catalog facts (name, price, stock on hand set by an operator)
 * were replaced. Stock moved by reservations is not a catalog change and records nothing.
 */
export interface ProductChangedEvent {
  readonly type: 'product.changed';
  readonly sku: string;
  readonly occurredAt: Date;
}
