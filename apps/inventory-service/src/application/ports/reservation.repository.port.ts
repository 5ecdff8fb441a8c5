import type { Reservation } from '../../domain/reservation.aggregate.js';

/** Reservations, one per order id. Locks are held until the enclosing {@link UnitOfWork} ends. */
export abstract class ReservationRepository {
  /**
   * Locks the order id, also when it has no reservation yet (so two Reserves of one order run one
   * after the other), and loads its reservation. Taken before any product lock.
   */
  abstract lockByOrderId(orderId: string): Promise<Reservation | null>;

  abstract insert(reservation: Reservation): Promise<void>;

  /** Stores the reservation only if its stored version still equals `persistedVersion`. @throws ConcurrentModificationError otherwise */
  abstract update(reservation: Reservation): Promise<void>;
}
