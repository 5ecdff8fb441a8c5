import { iso, runRules, type InvariantOptions, type InvariantRule, type Queryable, type Violation } from './invariant.rule.js';

/** Saga phases that wait for another service's reply; none should last long. */
export const TRANSIENT_SAGA_PHASES = ['RESERVING', 'HOLDING', 'CAPTURING', 'COMMITTING', 'COMPENSATING'] as const;

/** Orders stuck in a transient state (order_service.order_sagas, order_service.orders). */
export const STUCK_ORDER_RULES: readonly InvariantRule[] = [
  {
    code: 'SAGA_DEADLINE_PASSED',
    tables: ['order_service.order_sagas', 'order_service.orders'],
    sql: `
      SELECT s.order_id AS subject,
             format('saga in %s (order %s) passed its deadline %s by %s', s.phase, coalesce(o.status, 'missing'), ${iso('s.deadline')},
                    date_trunc('second', now() - s.deadline)) AS detail
        FROM order_service.order_sagas s LEFT JOIN order_service.orders o ON o.id = s.order_id
       WHERE s.deadline IS NOT NULL AND s.deadline <= now() - {grace}
       ORDER BY 1 LIMIT {limit}`,
  },
  {
    code: 'SAGA_STUCK_IN_PHASE',
    tables: ['order_service.order_sagas', 'order_service.orders'],
    sql: `
      SELECT s.order_id AS subject,
             format('saga in %s (order %s) since %s (%s)%s', s.phase, coalesce(o.status, 'missing'), ${iso('s.phase_entered_at')},
                    date_trunc('second', now() - s.phase_entered_at),
                    CASE WHEN cardinality(s.pending) = 0 THEN '' ELSE ', waiting for ' || array_to_string(s.pending, ', ') END) AS detail
        FROM order_service.order_sagas s LEFT JOIN order_service.orders o ON o.id = s.order_id
       WHERE s.phase IN (${TRANSIENT_SAGA_PHASES.map((p) => `'${p}'`).join(', ')})
         AND s.phase_entered_at <= now() - {stuck}
       ORDER BY 1 LIMIT {limit}`,
  },
  {
    code: 'ORDER_STUCK_PENDING',
    tables: ['order_service.orders'],
    sql: `
      SELECT o.id AS subject, format('order PENDING since %s (%s)', ${iso('o.create_time')}, date_trunc('second', now() - o.create_time)) AS detail
        FROM order_service.orders o
       WHERE o.status = 'PENDING' AND o.create_time <= now() - {stuck}
       ORDER BY 1 LIMIT {limit}`,
  },
];

/** Orders stuck past their deadline or in a transient state: see {@link STUCK_ORDER_RULES}. */
export async function checkStuckOrders(db: Queryable, options?: InvariantOptions): Promise<Violation[]> {
  return (await runRules(db, STUCK_ORDER_RULES, options)).violations;
}
