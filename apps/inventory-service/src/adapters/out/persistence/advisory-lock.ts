import type { TransactionRunner } from '#libs/database';

/**
 * Takes a transaction-scoped advisory lock on `key` (e.g. `reservation:<order id>`), held until the
 * ambient transaction ends. It locks a name, not a row, so it also serialises work on something
 * that does not exist yet, such as the first Reserve of an order. 64-bit hashing: a collision
 * only makes two unrelated keys wait for each other.
 * @throws Error outside a transaction, where the lock would be released at once
 */
export async function lockKey(tx: TransactionRunner, key: string): Promise<void> {
  if (!tx.inTransaction()) throw new Error(`locking ${key} needs a unit of work (an open transaction)`);
  await tx.manager().query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`inventory_service.${key}`]);
}
