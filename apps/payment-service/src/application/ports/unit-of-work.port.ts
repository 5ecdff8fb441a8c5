/**
 * One transaction around a use case's writes: the payment row, the gateway callback's dedupe
 * record and the reply message commit together or not at all. Joins the caller's transaction
 * when there is one (an idempotency key's, or a consumed message's).
 */
export abstract class UnitOfWork {
  abstract run<T>(work: () => Promise<T>): Promise<T>;
}
