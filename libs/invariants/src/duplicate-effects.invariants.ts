import { runRules, type InvariantOptions, type InvariantRule, type Queryable, type Violation } from './invariant.rule.js';

/**
 * Effects applied twice. The inboxes' primary key `(consumer, message_id)` already forbids
 * handling one message twice, so what is checked is the effect: one row per natural key where a
 * redelivered or republished message must not add a second one. (A second capture of an order is
 * `MULTIPLE_CAPTURES`, a second event with the same seq `EVENT_SEQ_DUPLICATE`.) The keys are also
 * database constraints; these rules catch a constraint lost in a migration or bypassed by hand.
 */
export const DUPLICATE_EFFECT_RULES: readonly InvariantRule[] = [
  {
    code: 'DUPLICATE_RESERVATION',
    tables: ['inventory_service.reservations'],
    sql: `
      SELECT order_id AS subject, format('%s reservations for one order: %s', count(*), string_agg(status, ', ' ORDER BY create_time)) AS detail
        FROM inventory_service.reservations
       GROUP BY order_id HAVING count(*) > 1
       ORDER BY 1 LIMIT {limit}`,
  },
  {
    code: 'DUPLICATE_NOTIFICATION',
    tables: ['notification_service.notifications'],
    sql: `
      SELECT order_id AS subject, format('%s %s notifications: %s', count(*), kind, string_agg(id::text || ' ' || status, ', ' ORDER BY create_time, id)) AS detail
        FROM notification_service.notifications
       WHERE order_id IS NOT NULL
       GROUP BY order_id, kind HAVING count(*) > 1
       ORDER BY 1, kind LIMIT {limit}`,
  },
];

/** No effect applied twice: see {@link DUPLICATE_EFFECT_RULES}. */
export async function checkDuplicateEffects(db: Queryable, options?: InvariantOptions): Promise<Violation[]> {
  return (await runRules(db, DUPLICATE_EFFECT_RULES, options)).violations;
}
