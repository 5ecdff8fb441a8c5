/**
 * The invariant checker against real PostgreSQL: a world made by the real system is clean; each
 * invariant broken once by direct SQL is reported, alone, on the right subject; the CLI's exit
 * codes. Each break runs in a transaction that is rolled back, so every case starts from the
 * clean world (DDL such as dropping a constraint is transactional in PostgreSQL too).
 */
import { execFile } from 'node:child_process';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import { jest } from '@jest/globals';
import pg from 'pg';
import { freePort } from '#libs/testing';
import { createOmsWorld, ROOT, type OmsWorld, type WorldOrders } from '../test/oms-world.js';
import { checkInvariants, collectViolations, INVARIANT_CODES } from './check-invariants.js';
import { checkEventSequences, checkPayments, checkStock } from './index.js';
import type { InvariantOptions } from './invariant.rule.js';

let world: OmsWorld;
let pool: pg.Pool;
let o: WorldOrders;

beforeAll(async () => {
  world = await createOmsWorld();
  o = world.orders;
  pool = new pg.Pool({ connectionString: world.db.url, max: 3 });
}, 180_000);

afterAll(async () => {
  await pool?.end();
  await world?.drop();
});

type Found = { invariant: string; subject: string }[];

/** Runs `breakIt` and the checker in one transaction, then rolls everything back. */
async function afterBreaking(breakIt: (q: pg.PoolClient) => Promise<unknown>, options: InvariantOptions = {}): Promise<Found> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await breakIt(client);
    const report = await collectViolations(client, options);
    return report.violations.map(({ invariant, subject }) => ({ invariant, subject }));
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

const one = async (q: pg.PoolClient, text: string, values: unknown[] = []): Promise<Record<string, any>> => {
  const { rows, rowCount } = await q.query(text, values);
  if (rowCount !== 1) throw new Error(`expected 1 row from ${text.trim().slice(0, 80)}..., got ${rowCount}`);
  return rows[0] ?? {};
};

describe('a world made by the real system', () => {
  it('is the world the cases below rely on', async () => {
    const { rows } = await pool.query(
      `SELECT o.id, o.status, r.status AS reservation, p.status AS payment, s.phase
         FROM order_service.orders o
         LEFT JOIN inventory_service.reservations r ON r.order_id = o.id
         LEFT JOIN payment_service.payments p ON p.order_id = o.id
         JOIN order_service.order_sagas s ON s.order_id = o.id`,
    );
    const byId = new Map(rows.map((r) => [r.id, [r.status, r.reservation, r.payment, r.phase]]));
    expect(Object.fromEntries(Object.entries(o).map(([name, id]) => [name, byId.get(id)]))).toEqual({
      confirmed: ['CONFIRMED', 'COMMITTED', 'CAPTURED', 'COMPLETED'],
      canceled: ['CANCELED', 'RELEASED', null, 'ENDED'],
      refunded: ['REFUNDED', 'RESTOCKED', 'REFUNDED', 'ENDED'],
      declined: ['RESERVED', 'RESERVED', 'FAILED', 'AWAITING_PAYMENT'],
      captureFailed: ['CANCELED', 'RELEASED', 'VOIDED', 'ENDED'],
      insufficient: ['CANCELED', 'REJECTED', null, 'ENDED'],
      unpaid: ['RESERVED', 'RESERVED', null, 'AWAITING_PAYMENT'],
    });
    expect(rows).toHaveLength(7);
  });

  it('breaks no invariant', async () => {
    const report = await checkInvariants(pool);
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.skipped).toEqual([]);
    expect(report.missingSchemas).toEqual([]);
    expect(new Set(report.checked)).toEqual(new Set(INVARIANT_CODES.filter((c) => c !== 'SCHEMA_MISSING')));
  });

  it('breaks none even without any grace: nothing is left in flight', async () => {
    expect((await checkInvariants(pool, { graceSeconds: 0, stuckMinutes: 0, requireSchemas: true })).violations).toEqual([]);
  });

  it('is checked per family through a plain client too', async () => {
    const client = new pg.Client({ connectionString: world.db.url });
    await client.connect();
    try {
      expect(await checkStock(client)).toEqual([]);
      expect(await checkPayments(client)).toEqual([]);
      expect(await checkEventSequences(client)).toEqual([]);
      expect((await checkInvariants(client)).ok).toBe(true);
    } finally {
      await client.end();
    }
  });
});

describe('each invariant broken once is reported, alone', () => {
  const AGO = `now() - interval '1 hour'`;
  const cases: [string, (q: pg.PoolClient) => Promise<Found>][] = [
    // ---- stock
    ['STOCK_NOT_CONSERVED', async (q) => {
      await one(q, `UPDATE inventory_service.products SET reserved = reserved + 1 WHERE sku = 'P001'`);
      return [{ invariant: 'STOCK_NOT_CONSERVED', subject: 'P001' }];
    }],
    ['STOCK_OUT_OF_RANGE', async (q) => {
      await q.query(`ALTER TABLE inventory_service.products DROP CONSTRAINT products_stock_check`);
      await one(q, `UPDATE inventory_service.products SET stock = reserved - 1 WHERE sku = 'P001' AND reserved > 0`);
      return [{ invariant: 'STOCK_OUT_OF_RANGE', subject: 'P001' }];
    }],
    ['RESERVATION_ORDER_MISMATCH', async (q) => {
      // A CONFIRMED order whose sold units were put back (not live: `reserved` is unaffected).
      await one(q, `UPDATE inventory_service.reservations SET status = 'RESTOCKED' WHERE order_id = $1`, [o.confirmed]);
      return [{ invariant: 'RESERVATION_ORDER_MISMATCH', subject: o.confirmed }];
    }],
    ['RESERVATION_ITEMS_MISMATCH', async (q) => {
      await one(q, `UPDATE inventory_service.reservations SET items = '[{"sku": "P001", "qty": 3}]' WHERE order_id = $1`, [o.confirmed]);
      return [{ invariant: 'RESERVATION_ITEMS_MISMATCH', subject: o.confirmed }];
    }],
    // ---- payments
    ['CAPTURE_WITHOUT_PAID_ORDER', async (q) => {
      await one(q, `UPDATE payment_service.payments SET status = 'CAPTURED', captured_minor = amount_minor, update_time = ${AGO}
                     WHERE order_id = $1`, [o.declined]);
      return [{ invariant: 'CAPTURE_WITHOUT_PAID_ORDER', subject: o.declined }];
    }],
    ['ORDER_WITHOUT_CAPTURE', async (q) => {
      await one(q, `UPDATE payment_service.payments SET status = 'VOIDED', captured_minor = 0 WHERE order_id = $1`, [o.confirmed]);
      return [{ invariant: 'ORDER_WITHOUT_CAPTURE', subject: o.confirmed }];
    }],
    ['MULTIPLE_CAPTURES', async (q) => {
      // Two captures that add up to the order's amount, so only their number is wrong.
      await q.query(`DROP INDEX payment_service.payments_one_live_attempt_per_order`);
      const half = await one(q, `UPDATE payment_service.payments SET amount_minor = amount_minor / 2, captured_minor = amount_minor / 2
                                  WHERE order_id = $1 RETURNING amount_minor`, [o.confirmed]);
      expect(Number(half.amount_minor) * 2).toBe(6700);
      await one(q, `INSERT INTO payment_service.payments
                      SELECT id || '-second', order_id, customer_id, status, pending_operation, currency, amount_minor, captured_minor,
                             refunded_minor, method, provider, card_brand, card_last4, gateway_token, transaction_id, failure_reason,
                             status_reason, version, create_time, update_time
                        FROM payment_service.payments WHERE order_id = $1`, [o.confirmed]);
      return [{ invariant: 'MULTIPLE_CAPTURES', subject: o.confirmed }];
    }],
    ['REFUND_EXCEEDS_CAPTURE', async (q) => {
      await q.query(`ALTER TABLE payment_service.payments DROP CONSTRAINT payments_money_check`);
      await one(q, `UPDATE payment_service.payments SET refunded_minor = captured_minor + 1 WHERE order_id = $1`, [o.refunded]);
      return [{ invariant: 'REFUND_EXCEEDS_CAPTURE', subject: o.refunded }];
    }],
    ['CAPTURE_EXCEEDS_ORDER_AMOUNT', async (q) => {
      await one(q, `UPDATE payment_service.payments SET amount_minor = amount_minor + 100, captured_minor = amount_minor + 100
                     WHERE order_id = $1`, [o.confirmed]);
      return [{ invariant: 'CAPTURE_EXCEEDS_ORDER_AMOUNT', subject: o.confirmed }];
    }],
    ['OPEN_HOLD_ON_FINISHED_ORDER', async (q) => {
      // The capture failed and the void never happened: the funds stay held on a CANCELED order.
      await one(q, `UPDATE payment_service.payments SET status = 'CAPTURE_FAILED', update_time = ${AGO} WHERE order_id = $1`, [o.captureFailed]);
      await one(q, `UPDATE order_service.orders SET update_time = ${AGO} WHERE id = $1`, [o.captureFailed]);
      return [{ invariant: 'OPEN_HOLD_ON_FINISHED_ORDER', subject: o.captureFailed }];
    }],
    ['REFUNDED_ORDER_NOT_REFUNDED', async (q) => {
      await one(q, `UPDATE payment_service.payments SET status = 'CAPTURED', refunded_minor = 0 WHERE order_id = $1`, [o.refunded]);
      await one(q, `UPDATE order_service.orders SET update_time = ${AGO} WHERE id = $1`, [o.refunded]);
      return [{ invariant: 'REFUNDED_ORDER_NOT_REFUNDED', subject: o.refunded }];
    }],
    ['REFUND_WITHOUT_REFUNDED_ORDER', async (q) => {
      await one(q, `UPDATE payment_service.payments SET status = 'REFUNDED', refunded_minor = captured_minor WHERE order_id = $1`, [o.confirmed]);
      return [{ invariant: 'REFUND_WITHOUT_REFUNDED_ORDER', subject: o.confirmed }];
    }],
    // ---- stuck orders
    ['SAGA_DEADLINE_PASSED', async (q) => {
      await one(q, `UPDATE order_service.order_sagas SET deadline = now() - interval '10 minutes' WHERE order_id = $1`, [o.unpaid]);
      return [{ invariant: 'SAGA_DEADLINE_PASSED', subject: o.unpaid }];
    }],
    ['SAGA_STUCK_IN_PHASE', async (q) => {
      await one(q, `UPDATE order_service.order_sagas SET phase = 'COMMITTING', phase_entered_at = now() - interval '10 minutes'
                     WHERE order_id = $1`, [o.confirmed]);
      return [{ invariant: 'SAGA_STUCK_IN_PHASE', subject: o.confirmed }];
    }],
    ['ORDER_STUCK_PENDING', async (q) => {
      // An order whose reserve command never got anywhere: PENDING, no reservation.
      await one(q, `UPDATE order_service.orders SET status = 'PENDING', create_time = now() - interval '10 minutes' WHERE id = $1`, [o.insufficient]);
      await one(q, `DELETE FROM inventory_service.reservations WHERE order_id = $1`, [o.insufficient]);
      return [{ invariant: 'ORDER_STUCK_PENDING', subject: o.insufficient }];
    }],
    // ---- event sequences
    ['EVENT_SEQ_GAP', async (q) => {
      await one(q, `DELETE FROM order_service.outbox WHERE aggregate_id = $1 AND routing_key = 'order.status_changed' AND payload->>'seq' = '2'`, [o.confirmed]);
      return [{ invariant: 'EVENT_SEQ_GAP', subject: o.confirmed }];
    }],
    ['EVENT_SEQ_GAP in payment events', async (q) => {
      const { rows } = await q.query(`SELECT payload->>'seq' AS seq FROM order_service.outbox WHERE aggregate_id = $1 AND routing_key = 'payment.status_changed'`, [o.refunded]);
      expect(rows.map((r) => Number(r.seq)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4]); // PROCESSING, HELD, CAPTURED, REFUNDED
      await one(q, `DELETE FROM order_service.outbox WHERE aggregate_id = $1 AND routing_key = 'payment.status_changed' AND payload->>'seq' = '3'`, [o.refunded]);
      return [{ invariant: 'EVENT_SEQ_GAP', subject: o.refunded }];
    }],
    ['EVENT_SEQ_DUPLICATE', async (q) => {
      await one(q, `INSERT INTO order_service.outbox (message_id, exchange, routing_key, aggregate_id, payload, headers, published_at)
                    SELECT gen_random_uuid(), exchange, routing_key, aggregate_id, payload, headers, published_at FROM order_service.outbox
                     WHERE aggregate_id = $1 AND routing_key = 'order.status_changed' AND payload->>'seq' = '2'`, [o.confirmed]);
      return [{ invariant: 'EVENT_SEQ_DUPLICATE', subject: o.confirmed }];
    }],
    ['EVENT_SEQ_INVALID', async (q) => {
      await one(q, `INSERT INTO order_service.outbox (message_id, exchange, routing_key, aggregate_id, payload, headers, published_at)
                    SELECT gen_random_uuid(), exchange, routing_key, aggregate_id, jsonb_set(payload, '{seq}', '"two"'), headers, published_at
                      FROM order_service.outbox
                     WHERE aggregate_id = $1 AND routing_key = 'order.status_changed' AND payload->>'seq' = '2'`, [o.confirmed]);
      return [{ invariant: 'EVENT_SEQ_INVALID', subject: o.confirmed }];
    }],
    ['ORDER_SEQ_MISMATCH (last event lost)', async (q) => {
      await one(q, `DELETE FROM order_service.outbox WHERE aggregate_id = $1 AND routing_key = 'order.status_changed' AND payload->>'seq' = '4'`, [o.confirmed]);
      return [{ invariant: 'ORDER_SEQ_MISMATCH', subject: o.confirmed }];
    }],
    ['ORDER_SEQ_MISMATCH (counter ahead)', async (q) => {
      await one(q, `UPDATE order_service.orders SET payment_seq = payment_seq + 1 WHERE id = $1`, [o.declined]);
      return [{ invariant: 'ORDER_SEQ_MISMATCH', subject: o.declined }];
    }],
    // ---- effects applied twice
    ['DUPLICATE_RESERVATION', async (q) => {
      await q.query(`ALTER TABLE inventory_service.reservations DROP CONSTRAINT reservations_pkey`);
      await one(q, `INSERT INTO inventory_service.reservations SELECT * FROM inventory_service.reservations WHERE order_id = $1`, [o.confirmed]);
      return [{ invariant: 'DUPLICATE_RESERVATION', subject: o.confirmed }];
    }],
    ['DUPLICATE_NOTIFICATION', async (q) => {
      await q.query(`DROP INDEX notification_service.notifications_order_kind_key`);
      await one(q, `INSERT INTO notification_service.notifications
                    SELECT gen_random_uuid(), order_id, customer_id, kind, channel, recipient, subject, body, status, attempts, last_error,
                           provider_message_id, due_at, next_attempt_at, lease_until, expires_at, create_time, update_time
                      FROM notification_service.notifications WHERE order_id = $1 AND kind = 'PAYMENT_CAPTURED'`, [o.confirmed]);
      return [{ invariant: 'DUPLICATE_NOTIFICATION', subject: o.confirmed }];
    }],
    // ---- messaging
    ['OUTBOX_STUCK', async (q) => {
      const row = await one(q, `UPDATE inventory_service.outbox SET published_at = NULL, created_at = now() - interval '10 minutes'
                                 WHERE id = (SELECT min(id) FROM inventory_service.outbox) RETURNING message_id::text`);
      return [{ invariant: 'OUTBOX_STUCK', subject: row.message_id }];
    }],
    ['DEAD_LETTER', async (q) => {
      await one(q, `INSERT INTO payment_service.deferred_deliveries
                      (consumer, queue, exchange, routing_key, message_id, headers, body, message_time, state, attempt, due_at, reason, last_error)
                    VALUES ('payment-service', 'payment-service.commands', 'oms.commands', 'payment.capture', 'dead-1', '{}', '{}', now(),
                            'dead', 4, now(), 'rejected', 'boom')`);
      return [{ invariant: 'DEAD_LETTER', subject: 'dead-1' }];
    }],
    ['DELIVERY_RETRY_OVERDUE', async (q) => {
      await one(q, `INSERT INTO order_service.deferred_deliveries
                      (consumer, queue, exchange, routing_key, message_id, headers, body, message_time, state, attempt, due_at)
                    VALUES ('order-service', 'order-service.replies', 'oms.replies', 'inventory.reserve.result', 'retry-1', '{}', '{}', now(),
                            'retry', 1, now() - interval '10 minutes')`);
      return [{ invariant: 'DELIVERY_RETRY_OVERDUE', subject: 'retry-1' }];
    }],
  ];

  it.each(cases)('%s', async (_name, breakIt) => {
    let expected: Found = [];
    const found = await afterBreaking(async (q) => (expected = await breakIt(q)));
    expect(expected.length).toBeGreaterThan(0);
    expect(found).toEqual(expected);
  });

  it('covers every invariant code', () => {
    const covered = new Set(cases.map(([name]) => name.split(' ')[0]));
    expect(INVARIANT_CODES.filter((c) => !covered.has(c) && c !== 'SCHEMA_MISSING')).toEqual([]);
  });

  it('every break is rolled back: the world is clean again', async () => {
    expect((await checkInvariants(pool)).violations).toEqual([]);
  });
});

describe('grace and thresholds', () => {
  const holdLeftOpen = async (q: pg.PoolClient) => {
    await one(q, `UPDATE payment_service.payments SET status = 'CAPTURE_FAILED', update_time = now() - interval '30 seconds' WHERE order_id = $1`, [o.captureFailed]);
    await one(q, `UPDATE order_service.orders SET update_time = now() - interval '30 seconds' WHERE id = $1`, [o.captureFailed]);
  };

  it('tolerates a step in flight within the grace window, not past it', async () => {
    expect(await afterBreaking(holdLeftOpen, { graceSeconds: 60 })).toEqual([]);
    expect(await afterBreaking(holdLeftOpen, { graceSeconds: 10 })).toEqual([{ invariant: 'OPEN_HOLD_ON_FINISHED_ORDER', subject: o.captureFailed }]);
  });

  it('tolerates a reservation reply in flight for a PENDING order within the grace window only', async () => {
    const replyInFlight = (age: string) => async (q: pg.PoolClient) => {
      await one(q, `UPDATE order_service.orders SET status = 'PENDING', update_time = now() - interval '${age}' WHERE id = $1`, [o.unpaid]);
      await one(q, `UPDATE inventory_service.reservations SET update_time = now() - interval '${age}' WHERE order_id = $1`, [o.unpaid]);
    };
    expect(await afterBreaking(replyInFlight('5 seconds'))).toEqual([]);
    expect(await afterBreaking(replyInFlight('2 minutes'))).toEqual([{ invariant: 'RESERVATION_ORDER_MISMATCH', subject: o.unpaid }]);
  });

  it('counts a transient phase as stuck after stuckMinutes', async () => {
    const committing = async (q: pg.PoolClient) =>
      one(q, `UPDATE order_service.order_sagas SET phase = 'COMMITTING', phase_entered_at = now() - interval '3 minutes' WHERE order_id = $1`, [o.confirmed]);
    expect(await afterBreaking(committing)).toEqual([]);
    expect(await afterBreaking(committing, { stuckMinutes: 2 })).toEqual([{ invariant: 'SAGA_STUCK_IN_PHASE', subject: o.confirmed }]);
  });

  it('accepts a purged prefix of an event sequence only when told to', async () => {
    const purged = async (q: pg.PoolClient) =>
      q.query(`DELETE FROM order_service.outbox WHERE aggregate_id = $1 AND routing_key = 'order.status_changed' AND payload->>'seq' IN ('1', '2')`, [o.confirmed]);
    expect(await afterBreaking(purged)).toEqual([{ invariant: 'EVENT_SEQ_GAP', subject: o.confirmed }]);
    expect(await afterBreaking(purged, { allowPurgedOutbox: true })).toEqual([]);
  });

  it('lists at most `limit` violations per rule and says so', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`UPDATE inventory_service.products SET reserved = reserved + 1`);
      const report = await collectViolations(client, { limit: 2 });
      expect(report.violations.map((v) => v.invariant)).toEqual(['STOCK_NOT_CONSERVED', 'STOCK_NOT_CONSERVED']);
      expect(report.truncated).toEqual(['STOCK_NOT_CONSERVED']);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('missing schemas', () => {
  let empty: TestDatabase;
  let emptyPool: pg.Pool;
  beforeAll(async () => {
    empty = await createTestDatabase();
    emptyPool = new pg.Pool({ connectionString: empty.url, max: 1 });
  });
  afterAll(async () => {
    await emptyPool?.end();
    await empty?.drop();
  });

  it('are tolerated, and skip the rules that need them', async () => {
    const report = await checkInvariants(emptyPool);
    expect(report.violations).toEqual([]);
    expect(report.checked).toEqual([]);
    expect(report.missingSchemas).toEqual(['order_service', 'inventory_service', 'payment_service', 'notification_service']);
    expect(report.skipped.map((s) => s.invariant)).toContain('STOCK_NOT_CONSERVED');
  });

  it('are violations when required', async () => {
    expect((await checkInvariants(emptyPool, { requireSchemas: ['payment_service'] })).violations).toEqual([
      { invariant: 'SCHEMA_MISSING', subject: 'payment_service', detail: 'schema payment_service does not exist in this database' },
    ]);
  });

  it('one schema gone leaves the others checked', async () => {
    const drop = async (q: pg.PoolClient) => q.query(`DROP SCHEMA notification_service CASCADE`);
    expect(await afterBreaking(drop)).toEqual([]);
    expect(await afterBreaking(drop, { requireSchemas: true })).toEqual([{ invariant: 'SCHEMA_MISSING', subject: 'notification_service' }]);
  });
});

describe('the checker only reads', () => {
  it('reads everything in one REPEATABLE READ, READ ONLY transaction, and ends it', async () => {
    const client = await pool.connect();
    const statements: string[] = [];
    const query = client.query.bind(client);
    const spy = jest.spyOn(client, 'query').mockImplementation(((text: string, values?: unknown[]) => {
      statements.push(text.trim().split(/\s+/).slice(0, 7).join(' '));
      return query(text, values);
    }) as never);
    try {
      expect((await checkInvariants(client)).ok).toBe(true);
      expect(statements[0]).toBe('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      expect(statements.at(-1)).toBe('COMMIT');
      expect(statements.filter((s) => /^(BEGIN|COMMIT|ROLLBACK)/.test(s))).toHaveLength(2);
      expect(statements.filter((s) => /^(INSERT|UPDATE|DELETE|ALTER|CREATE|DROP)/i.test(s))).toEqual([]);
      spy.mockRestore();
      const { rows } = await client.query(`SELECT current_setting('transaction_read_only') AS ro`);
      expect(rows[0].ro).toBe('off'); // no transaction left open
    } finally {
      spy.mockRestore();
      client.release();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

const CLI = 'dist/scripts/check-invariants.js';

function runCli(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('npm run check:invariants', () => {
  it('exits 0 on a clean database', async () => {
    const run = await runCli([], { DATABASE_URL: world.db.url });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('no violations');
  });

  it('exits 2 without DATABASE_URL, naming it', async () => {
    const run = await runCli([], { DATABASE_URL: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL is not set');
  });

  it('exits 2 on a usage error', async () => {
    for (const args of [['--nope'], ['--grace-seconds', 'soon'], ['--stuck-minutes', '-1'], ['--limit', '0']]) {
      const run = await runCli(args, { DATABASE_URL: world.db.url });
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toContain('usage:');
    }
  });

  it('exits 2 when the database cannot be reached', async () => {
    const url = new URL(world.db.url);
    url.port = String(await freePort());
    const run = await runCli([], { DATABASE_URL: url.toString() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot connect to the database');
  });

  it('exits 1 with violations, listing them by invariant (table and JSON)', async () => {
    await pool.query(`UPDATE inventory_service.products SET reserved = reserved + 1 WHERE sku = 'P002'`);
    await pool.query(`UPDATE order_service.order_sagas SET deadline = now() - interval '10 minutes' WHERE order_id = $1`, [o.unpaid]);
    try {
      const table = await runCli([], { DATABASE_URL: world.db.url });
      expect(table.code).toBe(1);
      expect(table.stdout).toMatch(/^STOCK_NOT_CONSERVED\s+1$/m);
      expect(table.stdout).toMatch(/^SAGA_DEADLINE_PASSED\s+1$/m);
      expect(table.stdout).toMatch(/^ {2}P002\s+reserved = 2, but live \(RESERVED\) reservations hold 1$/m);
      expect(table.stdout).toContain('2 violations of 2 invariants');

      const json = await runCli(['--json', '--grace-seconds', '30'], { DATABASE_URL: world.db.url });
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout);
      expect(report).toMatchObject({ ok: false, counts: { STOCK_NOT_CONSERVED: 1, SAGA_DEADLINE_PASSED: 1 }, options: { graceSeconds: 30 } });
      expect(report.violations).toContainEqual(expect.objectContaining({ invariant: 'SAGA_DEADLINE_PASSED', subject: o.unpaid }));

      // Ten minutes past the deadline is within a grace of an hour.
      const lenient = await runCli(['--json', '--grace-seconds', '3600'], { DATABASE_URL: world.db.url });
      expect(JSON.parse(lenient.stdout).counts).toEqual({ STOCK_NOT_CONSERVED: 1 });
    } finally {
      await pool.query(`UPDATE inventory_service.products SET reserved = reserved - 1 WHERE sku = 'P002'`);
      await pool.query(`UPDATE order_service.order_sagas SET deadline = payment_deadline WHERE order_id = $1`, [o.unpaid]);
    }
    expect((await runCli([], { DATABASE_URL: world.db.url })).code).toBe(0);
  });
});
