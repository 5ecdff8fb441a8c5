import { checkInvariants } from '#libs/invariants';
import type pg from 'pg';
import { until, type ServiceCluster } from '../../support/service-cluster.js';
import { END_STATES, type OrderLoad } from './order-load.js';

/** What has not finished yet: orders, sagas and payments in a transient state, unpublished messages. */
export async function stillOpen(sql: pg.Pool): Promise<Record<string, unknown[]>> {
  const rows = async (query: string) => (await sql.query(query)).rows;
  return {
    orders: await rows(`SELECT id, status, update_time FROM order_service.orders WHERE status IN ('PENDING', 'PAID')`),
    sagas: await rows(`SELECT * FROM order_service.order_sagas WHERE phase NOT IN ('AWAITING_PAYMENT', 'COMPLETED', 'ENDED')`),
    payments: await rows(`SELECT id, order_id, status, pending_operation, update_time FROM payment_service.payments WHERE status = 'PROCESSING' OR pending_operation IS NOT NULL`),
    outbox: [
      ...(await rows(`SELECT 'order' AS service, id, routing_key, attempts, last_error, next_attempt_at FROM order_service.outbox WHERE published_at IS NULL`)),
      ...(await rows(`SELECT 'inventory' AS service, id, routing_key, attempts, last_error, next_attempt_at FROM inventory_service.outbox WHERE published_at IS NULL`)),
      ...(await rows(`SELECT 'payment' AS service, id, routing_key, attempts, last_error, next_attempt_at FROM payment_service.outbox WHERE published_at IS NULL`)),
    ],
  };
}

export interface SettleOptions {
  /**
   * More of what must be finished before the system counts as settled (e.g. messages in queues),
   * asked only once the database shows nothing open.
   */
  readonly inFlight?: () => Promise<Record<string, unknown[]>>;
  /** More to say when the system never settles (e.g. the dead letters, and why they died). */
  readonly diagnose?: () => Promise<unknown>;
  readonly timeoutMs?: number;
}

/**
 * Waits until nothing is left in flight (a canceled hold's void, a refund's restock, a payment
 * reply, an unpublished message, and whatever `inFlight` finds). If it never settles, the failure
 * names the faults, what is still open and what `diagnose` adds.
 */
export async function settle(sql: pg.Pool, faults: readonly string[], { inFlight, diagnose, timeoutMs = 180_000 }: SettleOptions = {}): Promise<void> {
  let open: Record<string, unknown[]> = {};
  const none = (found: Record<string, unknown[]>) => Object.values(found).every((rows) => rows.length === 0);
  try {
    await until(
      'the system to settle',
      async () => {
        open = await stillOpen(sql);
        if (none(open) && inFlight) open = await inFlight();
        return none(open) ? true : undefined;
      },
      timeoutMs,
      500,
    );
  } catch (error) {
    const more = diagnose ? `; ${JSON.stringify(await diagnose().catch((e: unknown) => `diagnosis failed: ${String(e)}`), null, 1)}` : '';
    throw new Error(`${String(error)}; faults ${JSON.stringify(faults)}; still open: ${JSON.stringify(open, null, 1)}${more}`, { cause: error });
  }
}

/**
 * The end of a chaos phase, once the load has stopped: the client was never refused what it must
 * not be, the system settles, the invariant checker finds nothing, and the client's record is the
 * database's: every order it was told was created exists, no other order of its customers does,
 * and each order ended where its fate says.
 */
export async function expectPromisesKept(c: ServiceCluster, load: OrderLoad, faults: readonly string[], settling: SettleOptions = {}): Promise<void> {
  expect(load.problems).toEqual([]);
  expect(load.told.length).toBeGreaterThan(20);

  await settle(c.sql, faults, settling);
  const report = await checkInvariants(c.sql, { graceSeconds: 0, stuckMinutes: 5 });
  expect({ faults, violations: report.violations }).toEqual({ faults, violations: [] });

  // The client's record is the database's: nothing lost, nothing extra.
  const { rows } = await c.sql.query(`SELECT id FROM order_service.orders WHERE customer_id LIKE $1`, [`${load.customerPrefix}%`]);
  expect(rows.map((r) => r.id).sort()).toEqual(load.told.map((t) => t.id).sort());
  // And each order ended where its story says.
  const wrong = [];
  for (const t of load.told) {
    const status = await load.statusOf(t.id);
    if (!END_STATES[t.fate].includes(status ?? '')) wrong.push({ ...t, status, story: load.storyOf(t.id) });
  }
  expect(wrong).toEqual([]);
}
