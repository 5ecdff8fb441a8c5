/**
 * Relays of this process, by outbox schema, so an `OutboxWriter` can wake the relay of its
 * table right after a commit instead of letting the message wait for the next poll. Keyed by
 * schema only: a nudge to an unrelated relay with the same schema name (another database, in
 * tests) costs one extra poll and nothing else.
 */
const listeners = new Map<string, Set<() => void>>();

/** Calls `nudge` whenever a writer of `schema` commits; returns the unsubscribe function. */
export function onOutboxCommit(schema: string, nudge: () => void): () => void {
  let set = listeners.get(schema);
  if (!set) listeners.set(schema, (set = new Set()));
  set.add(nudge);
  return () => {
    set.delete(nudge);
    if (set.size === 0 && listeners.get(schema) === set) listeners.delete(schema);
  };
}

/** Wakes every relay of `schema` in this process. */
export function nudgeOutbox(schema: string): void {
  for (const nudge of listeners.get(schema) ?? []) nudge();
}
