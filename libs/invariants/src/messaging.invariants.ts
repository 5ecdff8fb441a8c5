import { iso, runRules, SERVICE_SCHEMAS, type InvariantOptions, type InvariantRule, type Queryable, type Violation } from './invariant.rule.js';

/** Messages that did not get where they were going, per service schema (outbox, deferred_deliveries). */
export const MESSAGING_RULES: readonly InvariantRule[] = SERVICE_SCHEMAS.flatMap((s): InvariantRule[] => [
  {
    code: 'OUTBOX_STUCK',
    tables: [`${s}.outbox`],
    // The relay's own partial index (published_at IS NULL) keeps this a small scan.
    sql: `
      SELECT message_id::text AS subject,
             format('${s}: %s for %s unpublished since %s (%s attempts)%s', routing_key, aggregate_id, ${iso('created_at')}, attempts,
                    coalesce(', last error: ' || last_error, '')) AS detail
        FROM ${s}.outbox
       WHERE published_at IS NULL AND created_at <= now() - {stuck}
       ORDER BY id LIMIT {limit}`,
  },
  {
    code: 'DEAD_LETTER',
    tables: [`${s}.deferred_deliveries`],
    sql: `
      SELECT message_id AS subject,
             format('${s}: %s dead-lettered for %s (queue %s) after %s attempt(s) at %s: %s%s', routing_key, consumer, queue, attempt, ${iso('updated_at')},
                    coalesce(reason, 'no reason'), CASE WHEN last_error = '' THEN '' ELSE ' (' || last_error || ')' END) AS detail
        FROM ${s}.deferred_deliveries
       WHERE state = 'dead'
       ORDER BY id LIMIT {limit}`,
  },
  {
    code: 'DELIVERY_RETRY_OVERDUE',
    tables: [`${s}.deferred_deliveries`],
    sql: `
      SELECT message_id AS subject,
             format('${s}: retry %s of %s for %s was due at %s', attempt, routing_key, consumer, ${iso('due_at')}) AS detail
        FROM ${s}.deferred_deliveries
       WHERE state = 'retry' AND due_at <= now() - {stuck}
       ORDER BY id LIMIT {limit}`,
  },
]);

/** Unpublished outbox rows, dead letters and overdue retries: see {@link MESSAGING_RULES}. */
export async function checkMessaging(db: Queryable, options?: InvariantOptions): Promise<Violation[]> {
  return (await runRules(db, MESSAGING_RULES, options)).violations;
}
