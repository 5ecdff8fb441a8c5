import type { ProductView } from '../views/product.view.js';
import type { ReservationView } from '../views/reservation.view.js';

/** The reservation commands, each answered with a `inventory.<kind>.result` reply. */
export type ReservationCommandKind = 'reserve' | 'release' | 'commit' | 'restock';

/**
 * What inventory-service tells other services. Written in the caller's {@link UnitOfWork}, so a
 * message leaves if and only if the change it reports commits (transactional outbox).
 */
export abstract class InventoryMessages {
  /** The outcome of a reservation command: a reply to the saga on `oms.replies`. */
  abstract reservationResult(kind: ReservationCommandKind, reservation: ReservationView): Promise<void>;

  /** A catalog entry was created or replaced: `catalog.product_changed` on `oms.events`. */
  abstract productChanged(product: ProductView): Promise<void>;
}
