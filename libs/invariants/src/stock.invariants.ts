import { runRules, type InvariantOptions, type InvariantRule, type Queryable, type Violation } from './invariant.rule.js';

/** `items` of a row as a set of (sku, qty) records, whatever the row holds (a non-array counts as none). */
const itemsOf = (column: string): string =>
  `jsonb_to_recordset(CASE WHEN jsonb_typeof(${column}) = 'array' THEN ${column} ELSE '[]'::jsonb END) AS i(sku text, qty bigint)`;

/** `{sku: total qty}` of an items column, for comparing an order with its reservation. */
const itemMap = (column: string): string =>
  `(SELECT coalesce(jsonb_object_agg(x.sku, x.qty ORDER BY x.sku), '{}'::jsonb)
      FROM (SELECT i.sku, sum(i.qty) AS qty FROM ${itemsOf(column)} GROUP BY i.sku) x)`;

/**
 * Stock conservation (inventory_service, and order_service for the order side).
 * Without a stock history, "on hand" itself cannot be recomputed; what the tables allow is checked:
 * reserved units are exactly the live reservations, the counters stay in range, and each order's
 * reservation is in the state its order's status requires (sold = COMMITTED for a CONFIRMED order).
 */
export const STOCK_RULES: readonly InvariantRule[] = [
  {
    code: 'STOCK_NOT_CONSERVED',
    tables: ['inventory_service.products', 'inventory_service.reservations'],
    sql: `
      WITH live AS (
        SELECT i.sku, sum(i.qty) AS qty
          FROM inventory_service.reservations r CROSS JOIN LATERAL ${itemsOf('r.items')}
         WHERE r.status = 'RESERVED'
         GROUP BY i.sku)
      SELECT coalesce(p.sku, l.sku) AS subject,
             CASE WHEN p.sku IS NULL
                  THEN format('live (RESERVED) reservations hold %s units of an sku that is not in the catalog', l.qty)
                  ELSE format('reserved = %s, but live (RESERVED) reservations hold %s', p.reserved, coalesce(l.qty, 0)) END AS detail
        FROM inventory_service.products p FULL JOIN live l ON l.sku = p.sku
       WHERE p.sku IS NULL OR p.reserved <> coalesce(l.qty, 0)
       ORDER BY 1 LIMIT {limit}`,
  },
  {
    code: 'STOCK_OUT_OF_RANGE',
    tables: ['inventory_service.products'],
    sql: `
      SELECT sku AS subject, format('stock = %s, reserved = %s: needs 0 <= reserved <= stock', stock, reserved) AS detail
        FROM inventory_service.products
       WHERE stock < 0 OR reserved < 0 OR reserved > stock
       ORDER BY 1 LIMIT {limit}`,
  },
  {
    code: 'RESERVATION_ORDER_MISMATCH',
    tables: ['inventory_service.reservations', 'order_service.orders'],
    // Reservations of ids that are not orders (locks taken through /api/inventory/lock) are left out.
    sql: `
      SELECT o.id AS subject,
             format('order is %s but its reservation is %s', o.status, coalesce(r.status, 'missing')) AS detail
        FROM order_service.orders o LEFT JOIN inventory_service.reservations r ON r.order_id = o.id
       WHERE NOT coalesce(CASE o.status
               WHEN 'PENDING' THEN r.status IS NULL OR (r.status IN ('RESERVED', 'REJECTED') AND greatest(o.update_time, r.update_time) > now() - {grace})
               WHEN 'RESERVED' THEN r.status IS NOT DISTINCT FROM 'RESERVED'
               WHEN 'PAID' THEN r.status = 'RESERVED' OR (r.status = 'COMMITTED' AND greatest(o.update_time, r.update_time) > now() - {grace})
               WHEN 'CONFIRMED' THEN r.status IS NOT DISTINCT FROM 'COMMITTED'
               WHEN 'REFUNDED' THEN r.status = 'RESTOCKED' OR (r.status = 'COMMITTED' AND greatest(o.update_time, r.update_time) > now() - {grace})
               WHEN 'CANCELED' THEN r.status IS NULL OR r.status IN ('REJECTED', 'RELEASED')
                                    OR (r.status = 'RESERVED' AND greatest(o.update_time, r.update_time) > now() - {grace})
               ELSE false
             END, false)
       ORDER BY 1 LIMIT {limit}`,
  },
  {
    code: 'RESERVATION_ITEMS_MISMATCH',
    tables: ['inventory_service.reservations', 'order_service.orders'],
    sql: `
      SELECT subject, format('order items %s, reservation (%s) items %s', ordered, status, reserved) AS detail
        FROM (SELECT o.id AS subject, r.status, ${itemMap('o.items')} AS ordered, ${itemMap('r.items')} AS reserved
                FROM order_service.orders o JOIN inventory_service.reservations r ON r.order_id = o.id
               WHERE r.status <> 'REJECTED') x
       WHERE ordered <> reserved
       ORDER BY 1 LIMIT {limit}`,
  },
];

/** Stock conservation: see {@link STOCK_RULES} and libs/invariants/README.md. */
export async function checkStock(db: Queryable, options?: InvariantOptions): Promise<Violation[]> {
  return (await runRules(db, STOCK_RULES, options)).violations;
}
