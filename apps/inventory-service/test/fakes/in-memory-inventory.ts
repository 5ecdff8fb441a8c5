import { AsyncLocalStorage } from 'node:async_hooks';
import { ConcurrentModificationError } from '../../src/application/application.errors.js';
import { InventoryMessages, type ReservationCommandKind } from '../../src/application/ports/inventory-messages.port.js';
import { ProductRepository } from '../../src/application/ports/product.repository.port.js';
import { ReservationRepository } from '../../src/application/ports/reservation.repository.port.js';
import { UnitOfWork } from '../../src/application/ports/unit-of-work.port.js';
import type { ProductView } from '../../src/application/views/product.view.js';
import type { ReservationView } from '../../src/application/views/reservation.view.js';
import { Product, type ProductSnapshot } from '../../src/domain/product.aggregate.js';
import { Reservation, type ReservationSnapshot } from '../../src/domain/reservation.aggregate.js';

/** A message the application sent, as the outbox would hold it. */
export type SentMessage =
  | { readonly type: 'reservationResult'; readonly kind: ReservationCommandKind; readonly reservation: ReservationView }
  | { readonly type: 'productChanged'; readonly product: ProductView };

interface State {
  products: Map<string, ProductSnapshot>;
  reservations: Map<string, ReservationSnapshot>;
  messages: SentMessage[];
}

const copy = (s: State): State => structuredClone(s);

/**
 * The persistence and messaging ports in memory, with the guarantees of the real adapters:
 * a unit of work runs alone (as if it held every lock) and, when it throws, leaves products,
 * reservations and messages as they were; nested units join the outer one; writes are
 * conditional on the version an aggregate was loaded at; stored state is copied, never shared.
 */
export class InMemoryInventory {
  #state: State = { products: new Map(), reservations: new Map(), messages: [] };
  #queue: Promise<unknown> = Promise.resolve();
  readonly #inside = new AsyncLocalStorage<true>();

  readonly unitOfWork: UnitOfWork;
  readonly products: ProductRepository;
  readonly reservations: ReservationRepository;
  readonly messages: InventoryMessages;

  constructor() {
    const state = (): State => this.#state;
    const runAlone = <T>(work: () => Promise<T>): Promise<T> => this.#run(work);

    this.unitOfWork = new (class extends UnitOfWork {
      run<T>(work: () => Promise<T>): Promise<T> {
        return runAlone(work);
      }
    })();

    this.products = new (class extends ProductRepository {
      async findBySkus(skus: readonly string[]): Promise<Product[]> {
        return skus.flatMap((sku) => {
          const s = state().products.get(sku);
          return s ? [Product.restore(structuredClone(s))] : [];
        });
      }
      async lockBySkus(skus: readonly string[]): Promise<Map<string, Product>> {
        return new Map((await this.findBySkus([...new Set(skus)])).map((p) => [p.sku, p]));
      }
      async lockForUpsert(sku: string): Promise<Product | null> {
        return (await this.findBySkus([sku]))[0] ?? null;
      }
      async insert(product: Product): Promise<void> {
        if (state().products.has(product.sku)) throw new Error(`duplicate key: product ${product.sku}`);
        state().products.set(product.sku, structuredClone(product.toSnapshot()));
        product.markPersisted();
      }
      async update(products: Iterable<Product>): Promise<void> {
        for (const product of products) {
          if (!product.isDirty) continue;
          if (state().products.get(product.sku)?.version !== product.persistedVersion) {
            throw new ConcurrentModificationError(`product ${product.sku}`);
          }
          state().products.set(product.sku, structuredClone(product.toSnapshot()));
          product.markPersisted();
        }
      }
    })();

    this.reservations = new (class extends ReservationRepository {
      async lockByOrderId(orderId: string): Promise<Reservation | null> {
        const s = state().reservations.get(orderId);
        return s ? Reservation.restore(structuredClone(s)) : null;
      }
      async insert(reservation: Reservation): Promise<void> {
        if (state().reservations.has(reservation.orderId)) throw new Error(`duplicate key: reservation ${reservation.orderId}`);
        state().reservations.set(reservation.orderId, structuredClone(reservation.toSnapshot()));
        reservation.markPersisted();
      }
      async update(reservation: Reservation): Promise<void> {
        if (state().reservations.get(reservation.orderId)?.version !== reservation.persistedVersion) {
          throw new ConcurrentModificationError(`reservation ${reservation.orderId}`);
        }
        state().reservations.set(reservation.orderId, structuredClone(reservation.toSnapshot()));
        reservation.markPersisted();
      }
    })();

    this.messages = new (class extends InventoryMessages {
      async reservationResult(kind: ReservationCommandKind, reservation: ReservationView): Promise<void> {
        state().messages.push(structuredClone({ type: 'reservationResult', kind, reservation }));
      }
      async productChanged(product: ProductView): Promise<void> {
        state().messages.push(structuredClone({ type: 'productChanged', product }));
      }
    })();
  }

  /** Test arrangement: stores products as already persisted. */
  seedProducts(...products: Product[]): void {
    for (const p of products) {
      p.pullEvents();
      p.markPersisted();
      this.#state.products.set(p.sku, structuredClone(p.toSnapshot()));
    }
  }

  /** Test arrangement: stores a reservation as already persisted. */
  seedReservation(reservation: Reservation): void {
    reservation.pullEvents();
    reservation.markPersisted();
    this.#state.reservations.set(reservation.orderId, structuredClone(reservation.toSnapshot()));
  }

  product(sku: string): ProductSnapshot | undefined {
    const s = this.#state.products.get(sku);
    return s && structuredClone(s);
  }

  reservation(orderId: string): ReservationSnapshot | undefined {
    const s = this.#state.reservations.get(orderId);
    return s && structuredClone(s);
  }

  /** What was sent, oldest first (committed units of work only). */
  get sent(): SentMessage[] {
    return structuredClone(this.#state.messages);
  }

  /** Everything stored, to compare before and after. */
  dump(): State {
    return copy(this.#state);
  }

  #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#inside.getStore()) return work();
    const run = async (): Promise<T> => {
      const before = copy(this.#state);
      try {
        return await this.#inside.run(true, work);
      } catch (error) {
        this.#state = before;
        throw error;
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}
