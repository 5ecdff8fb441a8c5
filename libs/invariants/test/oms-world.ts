/**
 * A small, consistent world made by the real system: the built all-in-one process
 * (`dist/apps/all-in-one/src/main.js`, built by jest's global setup) runs as a child process on a
 * fresh database, which it migrates and seeds itself; orders are then driven through its REST API
 * with every outcome, the system is left to settle, and the process is stopped, so the checks
 * read a database nothing writes to any more. (A child process rather than the app in-process:
 * libs never import an app.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { signDevToken } from '#libs/auth';
import { createTestDatabase, type TestDatabase, freePort } from '#libs/testing';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const ALL_IN_ONE = 'dist/apps/all-in-one/src/main.js';
const JWT_SECRET = 'invariants-int-spec-secret-0123456789abcdef';
const SCHEMAS = ['order_service', 'inventory_service', 'payment_service', 'notification_service'];

type Json = Record<string, unknown>;

/** The order ids of the world, one per outcome. */
export interface WorldOrders {
  /** P001 x2, paid with a good card: CONFIRMED, reservation COMMITTED, payment CAPTURED. */
  readonly confirmed: string;
  /** P002 x1, canceled while RESERVED: CANCELED, reservation RELEASED, no payment. */
  readonly canceled: string;
  /** P001 x1, paid then refunded: REFUNDED, reservation RESTOCKED, payment REFUNDED. */
  readonly refunded: string;
  /** P002 x1, card declined: still RESERVED (payable again), payment FAILED. */
  readonly declined: string;
  /** P001 x1, hold granted but capture failed: CANCELED (CAPTURE_FAILED), reservation RELEASED, payment VOIDED. */
  readonly captureFailed: string;
  /** P002 x5000 (stock 1000): CANCELED (INSUFFICIENT_STOCK), reservation REJECTED. */
  readonly insufficient: string;
  /** P001 x1, never paid: RESERVED, saga AWAITING_PAYMENT with its payment deadline. */
  readonly unpaid: string;
}

export interface OmsWorld {
  readonly db: TestDatabase;
  readonly orders: WorldOrders;
  /** Drops the database. */
  drop(): Promise<void>;
}

/** Creates the world; the all-in-one process is gone when this resolves. */
export async function createOmsWorld(): Promise<OmsWorld> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'oms-invariants-'));
  const app = await AppProcess.start(db.url, dataDir);
  const sql = new pg.Pool({ connectionString: db.url, max: 2 });
  try {
    const orders = await makeOrders(app, sql);
    await settle(sql, orders);
    await app.stop();
    return { db, orders, drop: () => db.drop() };
  } catch (error) {
    await app.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- all-in-one output (tail) ---\n${app.output.slice(-4000)}`, {
      cause: error,
    });
  } finally {
    await sql.end();
    await rm(dataDir, { recursive: true, force: true });
  }
}

class AppProcess {
  output = '';
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
  }

  static async start(databaseUrl: string, dataDir: string): Promise<AppProcess> {
    const [http, grpc] = [await freePort(), await freePort()];
    const env: Record<string, string | undefined> = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(http),
      GRPC_PORT: String(grpc),
      OMS_DATA_DIR: dataDir,
      OMS_JWT_SECRET: JWT_SECRET,
      OMS_GATEWAY_LATENCY_MS: '20',
      OMS_RATE_LIMIT_PER_MINUTE: '0',
      OMS_SHUTDOWN_DELAY_MS: '0',
      LOG_LEVEL: 'warn',
    };
    delete env.AMQP_URL;
    const child = spawn(process.execPath, [ALL_IN_ONE], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const app = new AppProcess(child, `http://127.0.0.1:${http}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`all-in-one exited with ${child.exitCode}:\n${app.output.slice(-4000)}`);
      const ready = await fetch(`${app.baseUrl}/health/ready`).then((r) => r.ok, () => false);
      if (ready) return app;
      if (Date.now() > deadline) {
        await app.stop();
        throw new Error(`all-in-one not ready within 60 s:\n${app.output.slice(-4000)}`);
      }
      await sleep(200);
    }
  }

  async call(method: string, route: string, token: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  /** SIGTERM (the process drains and exits 0), SIGKILL if it does not within 30 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }
}

async function makeOrders(app: AppProcess, sql: pg.Pool): Promise<WorldOrders> {
  const token = await signDevToken({ sub: 'inv-alice', roles: [], secret: JWT_SECRET, email: 'inv-alice@example.com' });
  const card = (cardNumber: string) => ({ paymentMethod: 'credit_card', paymentDetails: { cardNumber, expiryDate: '12/39', cvv: '123' } });
  const create = async (sku: string, qty: number): Promise<string> => {
    const res = await app.call('POST', '/v1/orders', token, { items: [{ sku, qty }] });
    if (res.status !== 200) throw new Error(`CreateOrder ${sku} x${qty}: ${res.status} ${JSON.stringify(res.body)}`);
    return String((res.body.order as { id: string }).id);
  };
  const until = (id: string, status: string) => untilStatus(sql, id, status);
  const reserved = async (sku: string, qty: number): Promise<string> => {
    const id = await create(sku, qty);
    await until(id, 'RESERVED');
    return id;
  };

  const confirmed = await reserved('P001', 2);
  await app.call('POST', `/v1/orders/${confirmed}:pay`, token, card('4242424242424242'));
  await until(confirmed, 'CONFIRMED');

  const canceled = await reserved('P002', 1);
  const cancel = await app.call('POST', `/v1/orders/${canceled}:cancel`, token, { reason: 'changed my mind' });
  if (cancel.status !== 200) throw new Error(`CancelOrder: ${cancel.status} ${JSON.stringify(cancel.body)}`);
  await until(canceled, 'CANCELED');

  const refunded = await reserved('P001', 1);
  await app.call('POST', `/v1/orders/${refunded}:pay`, token, card('4111111111111111'));
  await until(refunded, 'CONFIRMED');
  const refund = await app.call('POST', `/v1/orders/${refunded}:refund`, token, { reason: 'arrived damaged' });
  if (refund.status !== 200) throw new Error(`RefundOrder: ${refund.status} ${JSON.stringify(refund.body)}`);
  await until(refunded, 'REFUNDED');

  const declined = await reserved('P002', 1);
  const decline = await app.call('POST', `/v1/orders/${declined}:pay`, token, card('4000000000000002'));
  if (decline.status === 200) throw new Error(`the declined card was accepted: ${JSON.stringify(decline.body)}`);

  const captureFailed = await reserved('P001', 1);
  await app.call('POST', `/v1/orders/${captureFailed}:pay`, token, card('4000000000000341'));
  await until(captureFailed, 'CANCELED');

  const insufficient = await create('P002', 5000);
  await until(insufficient, 'CANCELED');

  const unpaid = await reserved('P001', 1);
  return { confirmed, canceled, refunded, declined, captureFailed, insufficient, unpaid };
}

/** Waits (bounded) until nothing is in flight any more: every step answered, every message delivered. */
async function settle(sql: pg.Pool, orders: WorldOrders): Promise<void> {
  const unpublished = SCHEMAS.map((s) => `(SELECT count(*) FROM ${s}.outbox WHERE published_at IS NULL)`).join(' + ');
  const deferred = SCHEMAS.map((s) => `(SELECT count(*) FROM ${s}.deferred_deliveries)`).join(' + ');
  const state = async (): Promise<Json> => {
    const { rows } = await sql.query(
      `SELECT ${unpublished} AS unpublished, ${deferred} AS deferred,
              (SELECT count(*) FROM order_service.order_sagas
                WHERE phase NOT IN ('AWAITING_PAYMENT', 'COMPLETED', 'ENDED') OR cardinality(pending) > 0) AS busy_sagas,
              (SELECT count(*) FROM payment_service.payments WHERE pending_operation IS NOT NULL) AS busy_payments,
              (SELECT status FROM inventory_service.reservations WHERE order_id = $1) AS refunded_reservation,
              (SELECT count(*) FROM notification_service.notifications
                WHERE (order_id, kind) IN (($2, 'PAYMENT_CAPTURED'), ($1, 'ORDER_REFUNDED'), ($3, 'ORDER_CANCELED'))) AS notifications`,
      [orders.refunded, orders.confirmed, orders.canceled],
    );
    return rows[0];
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await state();
    const settled =
      Number(s.unpublished) === 0 && Number(s.deferred) === 0 && Number(s.busy_sagas) === 0 && Number(s.busy_payments) === 0
      && s.refunded_reservation === 'RESTOCKED' && Number(s.notifications) === 3;
    if (settled) return;
    if (Date.now() > deadline) throw new Error(`the world did not settle: ${JSON.stringify(s)}`);
    await sleep(100);
  }
}

async function untilStatus(sql: pg.Pool, id: string, status: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await sql.query(`SELECT status FROM order_service.orders WHERE id = $1`, [id]);
    if (rows[0]?.status === status) return;
    if (Date.now() > deadline) throw new Error(`order ${id} is ${rows[0]?.status}, not ${status}`);
    await sleep(50);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
