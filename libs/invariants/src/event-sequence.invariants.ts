import { runRules, type InvariantOptions, type InvariantRule, type Queryable, type Violation } from './invariant.rule.js';

/** The events whose `seq` is gap-free per order (CONTRACT section 5). */
export const SEQUENCED_EVENTS = ['order.status_changed', 'payment.status_changed'] as const;

/**
 * order-service's sequenced events, one row each: the payload is proto3 JSON, where `seq`
 * (int64) is a string; anything else there counts as no seq.
 */
const EVENTS = `
  ev AS (
    SELECT aggregate_id, routing_key,
           CASE WHEN payload->>'seq' ~ '^[0-9]{1,18}$' THEN (payload->>'seq')::bigint END AS seq
      FROM order_service.outbox
     WHERE routing_key IN (${SEQUENCED_EVENTS.map((e) => `'${e}'`).join(', ')}))`;

/** Where an order's sequence must start: 1, or its first row left when purged rows are allowed. */
const START = `CASE WHEN {allowPurged} THEN a.lo ELSE 1 END`;

/** Event sequences in order_service.outbox, and the order rows' counters. */
export const EVENT_SEQUENCE_RULES: readonly InvariantRule[] = [
  {
    code: 'EVENT_SEQ_INVALID',
    tables: ['order_service.outbox'],
    sql: `
      WITH ${EVENTS}
      SELECT aggregate_id AS subject, format('%s %s row(s) without a seq >= 1', count(*), routing_key) AS detail
        FROM ev WHERE seq IS NULL OR seq < 1
       GROUP BY aggregate_id, routing_key
       ORDER BY 1, routing_key LIMIT {limit}`,
  },
  {
    code: 'EVENT_SEQ_DUPLICATE',
    tables: ['order_service.outbox'],
    sql: `
      WITH ${EVENTS}
      SELECT aggregate_id AS subject,
             format('%s seq %s written more than once', routing_key, string_agg(seq || ' (' || n || 'x)', ', ' ORDER BY seq)) AS detail
        FROM (SELECT aggregate_id, routing_key, seq, count(*) AS n FROM ev WHERE seq >= 1 GROUP BY 1, 2, 3 HAVING count(*) > 1) d
       GROUP BY aggregate_id, routing_key
       ORDER BY 1, routing_key LIMIT {limit}`,
  },
  {
    code: 'EVENT_SEQ_GAP',
    tables: ['order_service.outbox'],
    sql: `
      WITH ${EVENTS},
      agg AS (
        SELECT aggregate_id, routing_key, count(DISTINCT seq) AS d, min(seq) AS lo, max(seq) AS hi, array_agg(DISTINCT seq) AS seqs
          FROM ev WHERE seq >= 1 GROUP BY 1, 2)
      SELECT a.aggregate_id AS subject,
             format('%s: %s seq(s) missing between %s and %s: %s%s', a.routing_key, (a.hi - ${START} + 1) - a.d, ${START}, a.hi,
                    (SELECT string_agg(g::text, ', ' ORDER BY g)
                       FROM (SELECT g FROM generate_series(${START}, a.hi) g WHERE g <> ALL (a.seqs) ORDER BY g LIMIT 20) m),
                    CASE WHEN (a.hi - ${START} + 1) - a.d > 20 THEN ', ...' ELSE '' END) AS detail
        FROM agg a
       WHERE a.d < a.hi - ${START} + 1
       ORDER BY 1, a.routing_key LIMIT {limit}`,
  },
  {
    code: 'ORDER_SEQ_MISMATCH',
    tables: ['order_service.outbox', 'order_service.orders'],
    sql: `
      WITH ${EVENTS},
      last AS (
        SELECT aggregate_id,
               max(seq) FILTER (WHERE routing_key = 'order.status_changed' AND seq >= 1) AS status_hi,
               max(seq) FILTER (WHERE routing_key = 'payment.status_changed' AND seq >= 1) AS payment_hi
          FROM ev GROUP BY 1),
      cmp AS (
        SELECT o.id, l.aggregate_id, o.status_seq, o.payment_seq, l.status_hi, l.payment_hi,
               o.id IS NOT NULL AND o.status_seq IS DISTINCT FROM coalesce(l.status_hi, 0)
                 AND NOT ({allowPurged} AND l.status_hi IS NULL) AS status_off,
               o.id IS NOT NULL AND o.payment_seq IS DISTINCT FROM coalesce(l.payment_hi, 0)
                 AND NOT ({allowPurged} AND l.payment_hi IS NULL) AS payment_off
          FROM order_service.orders o FULL JOIN last l ON l.aggregate_id = o.id)
      SELECT coalesce(id, aggregate_id) AS subject,
             CASE WHEN id IS NULL THEN 'sequenced events for an order that does not exist'
                  ELSE concat_ws('; ',
                    CASE WHEN status_off THEN format('status_seq = %s but the last order.status_changed seq is %s', status_seq, coalesce(status_hi::text, 'none')) END,
                    CASE WHEN payment_off THEN format('payment_seq = %s but the last payment.status_changed seq is %s', payment_seq, coalesce(payment_hi::text, 'none')) END)
             END AS detail
        FROM cmp
       WHERE id IS NULL OR status_off OR payment_off
       ORDER BY 1 LIMIT {limit}`,
  },
];

/** Event seq gaps and duplicates in the outbox: see {@link EVENT_SEQUENCE_RULES}. */
export async function checkEventSequences(db: Queryable, options?: InvariantOptions): Promise<Violation[]> {
  return (await runRules(db, EVENT_SEQUENCE_RULES, options)).violations;
}
