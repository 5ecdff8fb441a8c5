import { OrderSagaRepository } from '../../src/application/ports/order-saga.repository.port.js';
import { SAGA_PHASES, type OrderSagaState } from '../../src/application/saga/order-saga.state.js';
import type { ImmediateUnitOfWork } from './immediate-unit-of-work.js';

interface RowLock {
  readonly owner: object;
  readonly released: Promise<void>;
}

/**
 * The OrderSagaRepository port in memory, with the guarantees of the PostgreSQL one:
 * - `lock`, `update` and `insert` take the row lock of the current transaction of `uow` and keep
 *   it until that transaction ends. Another transaction waits for it, then reads the latest
 *   committed row (READ COMMITTED). Outside a transaction a statement's lock ends with the
 *   statement, but it still waits for a holder.
 * - `lock` of a missing row returns null and locks nothing, as `SELECT ... FOR UPDATE` does.
 * - `lockDue(now, limit)` returns the sagas whose deadline is `<= now`, earliest deadline first,
 *   skipping rows another transaction holds (SKIP LOCKED), and locks them.
 * - `find` reads without waiting for locks.
 * - Rows are copies: changing a returned state changes nothing stored.
 * It is stricter in two places: it refuses a phase outside SAGA_PHASES (the table's CHECK
 * constraint), and an `update` of a missing row, which the adapter would silently turn into an
 * UPDATE of zero rows. It does not check that the order exists (the foreign key).
 */
export class InMemoryOrderSagaRepository extends OrderSagaRepository {
  /** Every insert and update, oldest first: the states the code under test stored, in order. */
  readonly writes: OrderSagaState[] = [];
  readonly #rows = new Map<string, OrderSagaState>();
  readonly #locks = new Map<string, RowLock>();

  /** @param uow whose transactions the row locks last for; without it every lock lasts one statement. */
  constructor(private readonly uow?: ImmediateUnitOfWork) {
    super();
  }

  async insert(state: OrderSagaState): Promise<void> {
    check(state);
    if (this.#rows.has(state.orderId)) throw new Error(`duplicate key: the saga of order ${state.orderId} already exists`);
    await this.#acquire(state.orderId);
    this.#write(state);
  }

  async lock(orderId: string): Promise<OrderSagaState | null> {
    if (!this.#rows.has(orderId)) return null;
    await this.#acquire(orderId);
    return this.#read(orderId);
  }

  async update(state: OrderSagaState): Promise<void> {
    check(state);
    if (!this.#rows.has(state.orderId)) throw new Error(`no saga row for order ${state.orderId} to update`);
    await this.#acquire(state.orderId);
    this.#write(state);
  }

  async find(orderId: string): Promise<OrderSagaState | null> {
    return this.#read(orderId);
  }

  async lockDue(now: Date, limit: number): Promise<string[]> {
    const me = this.#owner();
    const due = [...this.#rows.values()]
      .filter((s) => s.deadline !== null && s.deadline.getTime() <= now.getTime())
      .filter((s) => {
        const held = this.#locks.get(s.orderId);
        return held === undefined || held.owner === me;
      })
      // Array.prototype.sort is stable: equal deadlines keep insertion order.
      .sort((a, b) => a.deadline!.getTime() - b.deadline!.getTime())
      .slice(0, Math.max(0, limit));
    for (const saga of due) await this.#acquire(saga.orderId);
    return due.map((s) => s.orderId);
  }

  /** Test arrangement: stores sagas as an earlier transaction would have; not counted in {@link writes}. */
  seed(...states: OrderSagaState[]): void {
    for (const state of states) {
      check(state);
      this.#rows.set(state.orderId, structuredClone(state));
    }
  }

  /** A copy of the stored saga of an order, or undefined. */
  stored(orderId: string): OrderSagaState | undefined {
    return this.#read(orderId) ?? undefined;
  }

  /** Copies of every stored saga, in insertion order. */
  storedAll(): OrderSagaState[] {
    return [...this.#rows.values()].map((s) => structuredClone(s));
  }

  /** Whether a transaction holds the row lock of an order's saga. */
  isLocked(orderId: string): boolean {
    return this.#locks.has(orderId);
  }

  #read(orderId: string): OrderSagaState | null {
    const row = this.#rows.get(orderId);
    return row === undefined ? null : structuredClone(row);
  }

  #write(state: OrderSagaState): void {
    this.#rows.set(state.orderId, structuredClone(state));
    this.writes.push(structuredClone(state));
  }

  /** The current transaction, or a fresh owner for a statement outside any. */
  #owner(): object {
    return this.uow?.current() ?? {};
  }

  async #acquire(orderId: string): Promise<void> {
    const tx = this.uow?.current();
    const owner = tx ?? {};
    for (;;) {
      const held = this.#locks.get(orderId);
      if (held === undefined) break;
      if (held.owner === owner) return;
      await held.released;
    }
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.#locks.set(orderId, { owner, released });
    const unlock = (): void => {
      this.#locks.delete(orderId);
      release();
    };
    if (tx) tx.onEnd(unlock);
    else unlock();
  }
}

function check(state: OrderSagaState): void {
  if (!(SAGA_PHASES as readonly string[]).includes(state.phase)) {
    throw new Error(`order_sagas_phase_check: ${String(state.phase)} is not a saga phase`);
  }
}
