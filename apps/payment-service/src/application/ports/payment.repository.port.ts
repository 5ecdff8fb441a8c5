import type { Payment } from '../../domain/payment.aggregate.js';

/** Persistence of Payment aggregates; writes join the ambient unit of work. */
export abstract class PaymentRepository {
  abstract findById(paymentId: string): Promise<Payment | null>;
  /** The order's most recent attempt (by creation time), or null. */
  abstract findLatestByOrder(orderId: string): Promise<Payment | null>;
  /** An attempt of the order that is neither FAILED nor VOIDED, or null; at most one exists. */
  abstract findLiveByOrder(orderId: string): Promise<Payment | null>;
  /**
   * Inserts a new payment.
   * @throws PaymentIdConflictError when the id exists (the caller re-reads it)
   * @throws PaymentAttemptLiveError when the order already has a live attempt
   */
  abstract insert(payment: Payment): Promise<void>;
  /**
   * Updates a payment only if its stored version still equals `payment.persistedVersion`.
   * @throws ConcurrentModificationError when another writer got there first
   */
  abstract update(payment: Payment): Promise<void>;
}
