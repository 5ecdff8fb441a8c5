/**
 * One atomic unit of work: everything the callback reads with locks, writes and sends (through
 * the outbox) commits together or not at all. Joins the transaction already open on this async
 * path (an idempotency key's, or a consumed message's), so the caller's boundary wins.
 */
export abstract class UnitOfWork {
  abstract run<T>(work: () => Promise<T>): Promise<T>;
}
