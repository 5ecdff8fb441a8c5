import { ConcurrentModificationError } from '../../src/application/application.errors.js';
import {
  OrderRepository,
  type OrderCursor,
  type OrderListCriteria,
} from '../../src/application/ports/order.repository.port.js';
import { Order } from '../../src/domain/order.aggregate.js';
import type { OrderEvent } from '../../src/domain/order.events.js';
import type { OrderSnapshot } from '../../src/domain/order.snapshot.js';

/** (createTime desc, id desc): the order of every listing. */
function newestFirst(a: OrderCursor, b: OrderCursor): number {
  const byTime = b.createTime.getTime() - a.createTime.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The OrderRepository port in memory, with the guarantees of the real one: it keeps copies of
 * snapshots (an aggregate mutated after saving changes nothing stored), updates only when the
 * stored version equals `persistedVersion`, and moves the aggregate's events into {@link outbox}
 * in the same step as the state, so both are written or neither is.
 */
export class InMemoryOrderRepository extends OrderRepository {
  /** Every event committed with a write, oldest first: what the outbox relay would publish. */
  readonly outbox: OrderEvent[] = [];
  readonly #rows = new Map<string, OrderSnapshot>();
  #barrier: { parties: number; arrived: number; release: () => void; released: Promise<void> } | null = null;

  async findById(id: string): Promise<Order | null> {
    const row = this.#rows.get(id);
    const order = row === undefined ? null : Order.restore(structuredClone(row));
    await this.#awaitBarrier();
    return order;
  }

  async insert(order: Order): Promise<void> {
    if (this.#rows.has(order.id)) throw new Error(`duplicate key: order ${order.id} already exists`);
    this.#commit(order);
  }

  async update(order: Order): Promise<void> {
    const stored = this.#rows.get(order.id);
    if (stored === undefined || stored.version !== order.persistedVersion) {
      throw new ConcurrentModificationError(order.id);
    }
    this.#commit(order);
  }

  async list(criteria: OrderListCriteria): Promise<Order[]> {
    const { customerId, status, after, limit } = criteria;
    return [...this.#rows.values()]
      .filter((s) => customerId === undefined || s.customerId === customerId)
      .filter((s) => status === undefined || s.status === status)
      // strictly after the cursor in listing order, i.e. older, or as old with a smaller id
      .filter((s) => after === undefined || newestFirst(after, s) < 0)
      .sort(newestFirst)
      .slice(0, limit)
      .map((s) => Order.restore(structuredClone(s)));
  }

  /**
   * Test arrangement: stores orders as already persisted, as if an earlier process had written
   * them. Their recorded events are discarded so {@link outbox} shows only what the code under test did.
   */
  seed(...orders: Order[]): void {
    for (const order of orders) {
      this.#rows.set(order.id, structuredClone(order.toSnapshot()));
      order.pullEvents();
      order.markPersisted();
    }
  }

  /** A copy of the stored state of an order, or undefined. */
  stored(id: string): OrderSnapshot | undefined {
    const row = this.#rows.get(id);
    return row === undefined ? undefined : structuredClone(row);
  }

  /** Copies of every stored snapshot, in insertion order. */
  storedAll(): OrderSnapshot[] {
    return [...this.#rows.values()].map((s) => structuredClone(s));
  }

  /**
   * Makes the next `parties` calls of findById wait for each other after reading, so that many
   * callers hold the same version before any of them writes: a deterministic race.
   */
  holdReadsUntil(parties: number): void {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.#barrier = { parties, arrived: 0, release, released };
  }

  async #awaitBarrier(): Promise<void> {
    const barrier = this.#barrier;
    if (barrier === null) return;
    barrier.arrived += 1;
    if (barrier.arrived === barrier.parties) {
      this.#barrier = null;
      barrier.release();
    }
    await barrier.released;
  }

  #commit(order: Order): void {
    this.#rows.set(order.id, structuredClone(order.toSnapshot()));
    this.outbox.push(...order.pullEvents());
    order.markPersisted();
  }
}
