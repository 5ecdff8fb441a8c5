/**
 * One transaction around several port calls (order, saga, outbox), and work that must wait until
 * it has committed (calls to other services that must not see uncommitted state).
 */
export abstract class UnitOfWork {
  abstract run<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `effect` once the current transaction commits; at once when there is none. */
  abstract afterCommit(effect: () => void | Promise<void>): void;
}
