import { iso, runRules, type InvariantOptions, type InvariantRule, type Queryable, type Violation } from './invariant.rule.js';

/** A payment that took money: captured (maybe refunded since). */
const CAPTURED = `(p.captured_minor > 0 OR p.status IN ('CAPTURED', 'REFUNDED'))`;
/** A payment whose funds are (or may soon be) held at the gateway: the hold requested, granted, or its capture failed. */
const OPEN_HOLD = `p.status IN ('PROCESSING', 'HELD', 'CAPTURE_FAILED')`;
const TABLES = ['payment_service.payments', 'order_service.orders'];

/** Payments against orders (payment_service.payments joined to order_service.orders by order id). */
export const PAYMENT_RULES: readonly InvariantRule[] = [
  {
    code: 'CAPTURE_WITHOUT_PAID_ORDER',
    tables: TABLES,
    sql: `
      SELECT p.order_id AS subject,
             format('payment %s is %s (captured %s) but the order is %s', p.id, p.status, p.captured_minor, coalesce(o.status, 'missing')) AS detail
        FROM payment_service.payments p LEFT JOIN order_service.orders o ON o.id = p.order_id
       WHERE ${CAPTURED}
         AND (o.id IS NULL OR o.status NOT IN ('PAID', 'CONFIRMED', 'REFUNDED'))
         AND p.update_time <= now() - {grace}
       ORDER BY 1, p.id LIMIT {limit}`,
  },
  {
    code: 'ORDER_WITHOUT_CAPTURE',
    tables: TABLES,
    sql: `
      SELECT o.id AS subject,
             format('order is %s but none of its payments was captured (%s)', o.status,
                    coalesce((SELECT string_agg(p.id || ' ' || p.status, ', ' ORDER BY p.create_time, p.id)
                                FROM payment_service.payments p WHERE p.order_id = o.id), 'no payment')) AS detail
        FROM order_service.orders o
       WHERE o.status IN ('PAID', 'CONFIRMED', 'REFUNDED')
         AND NOT EXISTS (SELECT 1 FROM payment_service.payments p WHERE p.order_id = o.id AND ${CAPTURED})
       ORDER BY 1 LIMIT {limit}`,
  },
  {
    code: 'MULTIPLE_CAPTURES',
    tables: ['payment_service.payments'],
    sql: `
      SELECT p.order_id AS subject,
             format('%s payments captured for one order: %s', count(*), string_agg(p.id || ' ' || p.status, ', ' ORDER BY p.create_time, p.id)) AS detail
        FROM payment_service.payments p
       WHERE ${CAPTURED}
       GROUP BY p.order_id HAVING count(*) > 1
       ORDER BY 1 LIMIT {limit}`,
  },
  {
    code: 'REFUND_EXCEEDS_CAPTURE',
    tables: ['payment_service.payments'],
    sql: `
      SELECT p.order_id AS subject,
             format('refunded %s > captured %s', sum(p.refunded_minor), sum(p.captured_minor)) AS detail
        FROM payment_service.payments p
       GROUP BY p.order_id HAVING sum(p.refunded_minor) > sum(p.captured_minor) OR bool_or(p.refunded_minor > p.captured_minor)
       ORDER BY 1 LIMIT {limit}`,
  },
  {
    code: 'CAPTURE_EXCEEDS_ORDER_AMOUNT',
    tables: TABLES,
    sql: `
      SELECT o.id AS subject,
             format('captured %s %s for an order of %s %s', c.currencies, c.captured, o.amount_minor, o.currency) AS detail
        FROM order_service.orders o
        JOIN (SELECT p.order_id, sum(p.captured_minor) AS captured, string_agg(DISTINCT p.currency, '/') AS currencies
                FROM payment_service.payments p WHERE p.captured_minor > 0 GROUP BY p.order_id) c ON c.order_id = o.id
       WHERE c.captured > o.amount_minor OR c.currencies <> o.currency
       ORDER BY 1 LIMIT {limit}`,
  },
  {
    code: 'OPEN_HOLD_ON_FINISHED_ORDER',
    tables: TABLES,
    sql: `
      SELECT o.id AS subject,
             format('order is %s but payment %s is still %s%s', o.status, p.id, p.status,
                    CASE WHEN p.pending_operation IS NULL THEN '' ELSE ' (' || p.pending_operation || ' pending)' END) AS detail
        FROM payment_service.payments p JOIN order_service.orders o ON o.id = p.order_id
       WHERE ${OPEN_HOLD}
         AND o.status IN ('CANCELED', 'CONFIRMED', 'REFUNDED')
         AND greatest(p.update_time, o.update_time) <= now() - {grace}
       ORDER BY 1, p.id LIMIT {limit}`,
  },
  {
    code: 'REFUNDED_ORDER_NOT_REFUNDED',
    tables: TABLES,
    sql: `
      SELECT o.id AS subject,
             format('order is REFUNDED since %s but no payment of it is REFUNDED (%s)', ${iso('o.update_time')},
                    coalesce((SELECT string_agg(p.id || ' ' || p.status, ', ' ORDER BY p.create_time, p.id)
                                FROM payment_service.payments p WHERE p.order_id = o.id), 'no payment')) AS detail
        FROM order_service.orders o
       WHERE o.status = 'REFUNDED'
         AND o.update_time <= now() - {grace}
         AND NOT EXISTS (SELECT 1 FROM payment_service.payments p WHERE p.order_id = o.id AND p.status = 'REFUNDED' AND p.refunded_minor > 0)
       ORDER BY 1 LIMIT {limit}`,
  },
  {
    code: 'REFUND_WITHOUT_REFUNDED_ORDER',
    tables: TABLES,
    sql: `
      SELECT p.order_id AS subject,
             format('payment %s is %s (refunded %s) but the order is %s', p.id, p.status, p.refunded_minor, coalesce(o.status, 'missing')) AS detail
        FROM payment_service.payments p LEFT JOIN order_service.orders o ON o.id = p.order_id
       WHERE (p.refunded_minor > 0 OR p.status = 'REFUNDED')
         AND o.status IS DISTINCT FROM 'REFUNDED'
       ORDER BY 1, p.id LIMIT {limit}`,
  },
];

/** Payments vs orders: see {@link PAYMENT_RULES} and libs/invariants/README.md. */
export async function checkPayments(db: Queryable, options?: InvariantOptions): Promise<Violation[]> {
  return (await runRules(db, PAYMENT_RULES, options)).violations;
}
