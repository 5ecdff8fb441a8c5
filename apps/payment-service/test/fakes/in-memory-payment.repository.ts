import { ConcurrentModificationError, PaymentAttemptLiveError, PaymentIdConflictError } from '../../src/application/application.errors.js';
import { PaymentRepository } from '../../src/application/ports/payment.repository.port.js';
import { Payment } from '../../src/domain/payment.aggregate.js';
import type { PaymentSnapshot } from '../../src/domain/payment.snapshot.js';
import type { Transactional } from './in-memory-unit-of-work.js';

const DEAD = new Set(['FAILED', 'VOIDED']);

/**
 * The PaymentRepository port in memory, with the guarantees of the real one: copies in and out,
 * one live attempt per order, conditional updates on `persistedVersion`.
 */
export class InMemoryPaymentRepository extends PaymentRepository implements Transactional {
  #rows = new Map<string, PaymentSnapshot>();
  /** Makes the next insert fail as if a concurrent Hold with the same id had committed `winner` first. */
  raceInsertWith: Payment | null = null;

  async findById(paymentId: string): Promise<Payment | null> {
    const row = this.#rows.get(paymentId);
    return row === undefined ? null : Payment.restore(structuredClone(row));
  }

  async findLatestByOrder(orderId: string): Promise<Payment | null> {
    const rows = [...this.#rows.values()].filter((r) => r.orderId === orderId);
    const latest = rows.sort((a, b) => b.createTime.getTime() - a.createTime.getTime() || (a.id < b.id ? 1 : -1))[0];
    return latest === undefined ? null : Payment.restore(structuredClone(latest));
  }

  async findLiveByOrder(orderId: string): Promise<Payment | null> {
    const live = [...this.#rows.values()].find((r) => r.orderId === orderId && !DEAD.has(r.status));
    return live === undefined ? null : Payment.restore(structuredClone(live));
  }

  async insert(payment: Payment): Promise<void> {
    if (this.raceInsertWith !== null) {
      this.seed(this.raceInsertWith);
      this.raceInsertWith = null;
    }
    if (this.#rows.has(payment.id)) throw new PaymentIdConflictError(payment.id);
    const live = [...this.#rows.values()].find((r) => r.orderId === payment.orderId && !DEAD.has(r.status));
    if (live !== undefined) throw new PaymentAttemptLiveError(payment.orderId, live.id);
    this.#store(payment);
  }

  async update(payment: Payment): Promise<void> {
    const stored = this.#rows.get(payment.id);
    if (stored === undefined || stored.version !== payment.persistedVersion) throw new ConcurrentModificationError(payment.id);
    this.#store(payment);
  }

  checkpoint(): () => void {
    const saved = new Map(this.#rows);
    return () => {
      this.#rows = saved;
    };
  }

  /** Test arrangement: stores payments as already persisted; their recorded events are discarded. */
  seed(...payments: Payment[]): void {
    for (const payment of payments) {
      this.#rows.set(payment.id, structuredClone(payment.toSnapshot()));
      payment.pullEvents();
      payment.markPersisted();
    }
  }

  /** A copy of the stored state of a payment, or undefined. */
  stored(paymentId: string): PaymentSnapshot | undefined {
    const row = this.#rows.get(paymentId);
    return row === undefined ? undefined : structuredClone(row);
  }

  /** Copies of every stored snapshot. */
  storedAll(): PaymentSnapshot[] {
    return [...this.#rows.values()].map((r) => structuredClone(r));
  }

  #store(payment: Payment): void {
    this.#rows.set(payment.id, structuredClone(payment.toSnapshot()));
    payment.markPersisted();
  }
}
