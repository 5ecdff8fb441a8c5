/**
 * One atomic unit of work: everything the callback writes commits together or not at all. Joins
 * the transaction already open on this async path (a consumed message's, or an idempotency
 * key's), so the caller's boundary wins. `afterCommit` runs once that outermost transaction
 * committed, never if it rolled back.
 */
export abstract class UnitOfWork {
  abstract run<T>(work: () => Promise<T>): Promise<T>;
  abstract afterCommit(callback: () => void): void;
}
