import type { Product } from '../domain/product.aggregate.js';
import type { Reservation } from '../domain/reservation.aggregate.js';
import type { Clock } from './ports/clock.port.js';
import type { InventoryMessages, ReservationCommandKind } from './ports/inventory-messages.port.js';
import type { ProductRepository } from './ports/product.repository.port.js';
import type { ReservationRepository } from './ports/reservation.repository.port.js';
import type { UnitOfWork } from './ports/unit-of-work.port.js';
import { toReservationView, type ReservationView } from './views/reservation.view.js';

/** What every reservation command names. */
export interface ReservationCommandFields {
  readonly orderId: string;
  /**
   * Reply on `oms.replies` also when nothing changed. Set for commands that arrived as messages:
   * their sender waits for a reply, and a repeated command is answered again. A call (gRPC) gets
   * its answer directly, so only a change is announced.
   */
  readonly alwaysReply: boolean;
}

/** The ports a reservation use case works with. */
export interface ReservationDeps {
  readonly unitOfWork: UnitOfWork;
  readonly reservations: ReservationRepository;
  readonly products: ProductRepository;
  readonly messages: InventoryMessages;
  readonly clock: Clock;
}

/**
 * The shape Release, Commit and Restock share, in one unit of work: lock the order, lock its
 * products (sku order) only if stock may move, apply one behaviour, store what changed and reply.
 * An order without a reservation is answered by `whenMissing`.
 */
export function changeReservation(
  deps: ReservationDeps,
  kind: ReservationCommandKind,
  command: ReservationCommandFields,
  apply: (reservation: Reservation, products: ReadonlyMap<string, Product>, now: Date) => void,
  whenMissing: (orderId: string) => ReservationView,
): Promise<ReservationView> {
  return deps.unitOfWork.run(async () => {
    const reservation = await deps.reservations.lockByOrderId(command.orderId);
    if (reservation === null) {
      const view = whenMissing(command.orderId);
      if (command.alwaysReply) await deps.messages.reservationResult(kind, view);
      return view;
    }
    const products = reservation.mayMoveStock ? await deps.products.lockBySkus(reservation.skus) : new Map<string, Product>();
    apply(reservation, products, deps.clock.now());
    const changed = reservation.pullEvents().length > 0;
    if (changed) {
      await deps.products.update(products.values());
      await deps.reservations.update(reservation);
    }
    const view = toReservationView(reservation);
    if (changed || command.alwaysReply) await deps.messages.reservationResult(kind, view);
    return view;
  });
}
