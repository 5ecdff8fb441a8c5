import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import canonicalize from 'canonicalize';
import amqp from 'amqplib';
import { signDevToken } from '#libs/auth';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import pg from 'pg';
import { freePort } from '#libs/testing';
import { rabbitmqctl, until } from './support/service-cluster.js';

/**
 * The multi-process mode for real: the three services as separate Node processes (the built
 * `dist/` entry points), one PostgreSQL database, the machine's RabbitMQ in a virtual host of this
 * run's own (so parallel suites never share a queue). Every saga flow goes through the public REST
 * API, and the public events are read from `oms.events` by a queue bound for the test.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const AMQP_BASE = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SECRET = 'multi-process-secret-0123456789abcdef';
const VHOST = `oms-test-${randomUUID().slice(0, 8)}`;
const SERVICES = ['order-service', 'inventory-service', 'payment-service', 'notification-service'] as const;
const SIGNING_SECRET = 'multi-process-signing-0123456789abcdef';
type Service = (typeof SERVICES)[number];

const children = new Map<Service, ChildProcess>();
const ports = {} as Record<Service, { http: number; grpc: number }>;
let db: TestDatabase;
let sql: pg.Pool;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let admin: string;
let alice: string;
let events: { channel: amqp.Channel; connection: amqp.ChannelModel; received: { routingKey: string; body: any }[] };


function start(service: Service, extraEnv: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, [`dist/apps/${service}/src/main.js`], {
    cwd: ROOT,
    env: { ...env, PORT: String(ports[service].http), GRPC_PORT: String(ports[service].grpc), ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.set(service, child);
  return child;
}

async function ready(service: Service, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${ports[service].http}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service} never became ready`);
}

async function stop(service: Service, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const child = children.get(service);
  if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  return exited;
}

async function call(service: Service, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${ports[service].http}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}


const orderIn = (id: string, ...statuses: string[]) =>
  until(`order ${id} in ${statuses.join('/')}`, async () => {
    const { body } = await call('order-service', 'GET', `/v1/orders/${id}`, alice);
    return statuses.includes(body.order?.status) ? body.order : undefined;
  });

async function product(stock: number): Promise<string> {
  const sku = `M${randomUUID().slice(0, 8)}`;
  const put = await call('inventory-service', 'PUT', `/v1/products/${sku}`, admin, { name: sku, price: { currency: 'USD', amountMinor: '500' }, stock });
  expect(put.status).toBe(200);
  await until(`${sku} in order-service's catalog`, async () => {
    const { rows } = await sql.query(`SELECT 1 FROM order_service.catalog_products WHERE sku = $1`, [sku]);
    return rows.length > 0 ? true : undefined;
  });
  return sku;
}

async function reservedOrder(sku: string, qty = 1): Promise<string> {
  const created = await call('order-service', 'POST', '/v1/orders', alice, { items: [{ sku, qty }] });
  expect(created.status).toBe(200);
  await orderIn(created.body.order.id, 'ORDER_STATUS_RESERVED');
  return created.body.order.id;
}

const pay = (id: string, cardNumber: string) =>
  call('order-service', 'POST', `/v1/orders/${id}:pay`, alice, {
    paymentMethod: 'credit_card',
    paymentDetails: { cardNumber, expiryDate: '12/39', cvv: '123' },
  });

async function stockOf(sku: string): Promise<{ stock: number; reserved: number }> {
  const { body } = await call('inventory-service', 'GET', `/v1/products/${sku}`, admin);
  return { stock: Number(body.product.stock ?? 0), reserved: Number(body.product.reserved ?? 0) };
}

const stockIs = (sku: string, expected: { stock: number; reserved: number }) =>
  until(`stock of ${sku} = ${JSON.stringify(expected)}`, async () => {
    const now = await stockOf(sku);
    return now.stock === expected.stock && now.reserved === expected.reserved ? now : undefined;
  });

beforeAll(async () => {
  rabbitmqctl('add_vhost', VHOST);
  rabbitmqctl('set_permissions', '-p', VHOST, 'guest', '.*', '.*', '.*');
  db = await createTestDatabase();
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  dataDir = await mkdtemp(join(tmpdir(), 'oms-multi-process-'));
  for (const s of SERVICES) ports[s] = { http: await freePort(), grpc: await freePort() };
  env = {
    ...process.env,
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    AMQP_URL: `${AMQP_BASE}/${VHOST}`,
    OMS_JWT_SECRET: SECRET,
    OMS_GATEWAY_LATENCY_MS: '20',
    OMS_SIGNING_SECRET: SIGNING_SECRET,
    // No SMTP server here: notification-service writes mail to its dev mailbox under this folder.
    OMS_DATA_DIR: dataDir,
    OMS_PAYMENT_GRPC_ADDRESS: `127.0.0.1:${ports['payment-service'].grpc}`,
    LOG_LEVEL: 'warn',
  };
  execFileSync(process.execPath, ['dist/scripts/migrate.js'], { cwd: ROOT, env, stdio: 'ignore' });

  const connection = await amqp.connect(`${AMQP_BASE}/${VHOST}`);
  const channel = await connection.createChannel();
  await channel.assertExchange('oms.events', 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, 'oms.events', '#.status_changed');
  events = { connection, channel, received: [] };
  await channel.consume(queue, (m) => {
    if (m) events.received.push({ routingKey: m.fields.routingKey, body: JSON.parse(m.content.toString()) });
  }, { noAck: true });

  for (const s of SERVICES) start(s);
  await Promise.all(SERVICES.map((s) => ready(s)));
  [admin, alice] = await Promise.all([
    signDevToken({ sub: 'root', roles: ['admin'], secret: SECRET }),
    signDevToken({ sub: 'alice', secret: SECRET }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all(SERVICES.map((s) => stop(s, 'SIGKILL')));
  await events?.connection.close().catch(() => undefined);
  await sql?.end();
  await db?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  try {
    rabbitmqctl('delete_vhost', VHOST);
  } catch {
    // Best effort: a vhost left behind holds no messages of anyone else.
  }
});

describe('multi-process mode over RabbitMQ', () => {
  it('create -> RESERVED -> pay -> CONFIRMED, with gap-free events on oms.events', async () => {
    const sku = await product(5);
    const id = await reservedOrder(sku, 2);
    const paid = await pay(id, '4111111111111111');
    expect(paid.status).toBe(200);
    expect(paid.body.payment.status).toBe('PAYMENT_STATUS_CAPTURED');
    await orderIn(id, 'ORDER_STATUS_CONFIRMED');
    await stockIs(sku, { stock: 3, reserved: 0 });

    const seqs = await until('the CONFIRMED event', async () => {
      const mine = events.received.filter((e) => e.routingKey === 'order.status_changed' && e.body.orderId === id);
      return mine.some((e) => e.body.newStatus === 'ORDER_STATUS_CONFIRMED') ? mine.map((e) => Number(e.body.seq)) : undefined;
    });
    expect([...seqs].sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('a decline keeps the order RESERVED; insufficient stock cancels; a capture failure voids and releases', async () => {
    const sku = await product(2);
    const id = await reservedOrder(sku);
    const declined = await pay(id, '4000000000000002');
    expect(declined.status).toBe(400);
    expect(declined.body.error.details[0].reason).toBe('PAYMENT_DECLINED');
    await orderIn(id, 'ORDER_STATUS_RESERVED');

    const tooMany = await call('order-service', 'POST', '/v1/orders', alice, { items: [{ sku, qty: 5 }] });
    const rejected = await orderIn(tooMany.body.order.id, 'ORDER_STATUS_CANCELED');
    expect(rejected.statusReason).toBe('INSUFFICIENT_STOCK');

    await pay(id, '4000000000000341');
    const failed = await orderIn(id, 'ORDER_STATUS_CANCELED');
    expect(failed.statusReason).toBe('CAPTURE_FAILED');
    await stockIs(sku, { stock: 2, reserved: 0 });
  });

  it('cancel releases, refund refunds and restocks', async () => {
    const sku = await product(4);
    const toCancel = await reservedOrder(sku, 1);
    expect((await call('order-service', 'POST', `/v1/orders/${toCancel}:cancel`, alice, {})).status).toBe(200);
    const toRefund = await reservedOrder(sku, 2);
    await pay(toRefund, '4242424242424242');
    await orderIn(toRefund, 'ORDER_STATUS_CONFIRMED');
    const refunded = await call('order-service', 'POST', `/v1/orders/${toRefund}:refund`, alice, { reason: 'damaged' });
    expect(refunded.body.order.status).toBe('ORDER_STATUS_REFUNDED');
    await stockIs(sku, { stock: 4, reserved: 0 });
  });

  it('duplicate and stale replies change nothing; every flow’s events are gap-free', async () => {
    const sku = await product(3);
    const id = await reservedOrder(sku, 1);
    await pay(id, '4111111111111111');
    const confirmed = await orderIn(id, 'ORDER_STATUS_CONFIRMED');
    const { rows: payments } = await sql.query(`SELECT id AS payment_id FROM payment_service.payments WHERE order_id = $1`, [id]);
    const publish = (routingKey: string, body: object): void => {
      events.channel.publish('oms.replies', routingKey, Buffer.from(JSON.stringify(body)), {
        messageId: randomUUID(),
        contentType: 'application/json',
        headers: { 'x-correlation-id': `dup-${id}` },
      });
    };
    // Replies as a redelivering broker or a repeating service would send them again.
    publish('inventory.reserve.result', { orderId: id, status: 'RESERVATION_STATUS_RESERVED', items: [{ sku, qty: 1 }] });
    publish('payment.hold.result', { paymentId: payments[0].payment_id, orderId: id, status: 'PAYMENT_STATUS_HELD' });
    publish('payment.capture.result', { paymentId: payments[0].payment_id, orderId: id, status: 'PAYMENT_STATUS_CAPTURED', transactionId: 'again' });
    publish('inventory.commit.result', { orderId: id, status: 'RESERVATION_STATUS_COMMITTED', items: [{ sku, qty: 1 }] });
    await new Promise((r) => setTimeout(r, 1_000));
    const after = (await call('order-service', 'GET', `/v1/orders/${id}`, alice)).body.order;
    expect(after).toEqual(confirmed);
    await stockIs(sku, { stock: 2, reserved: 0 });
    const { rows } = await sql.query(`SELECT status FROM payment_service.payments WHERE order_id = $1`, [id]);
    expect(rows.map((r) => r.status)).toEqual(['CAPTURED']);

    // Every order this suite made: its order.status_changed seqs run 1..n without a gap.
    const byOrder = new Map<string, number[]>();
    for (const e of events.received.filter((x) => x.routingKey === 'order.status_changed')) {
      byOrder.set(e.body.orderId, [...(byOrder.get(e.body.orderId) ?? []), Number(e.body.seq)]);
    }
    expect(byOrder.size).toBeGreaterThan(0);
    for (const [orderId, seqs] of byOrder) {
      const distinct = [...new Set(seqs)].sort((a, b) => a - b);
      expect({ orderId, seqs: distinct }).toEqual({ orderId, seqs: distinct.map((_, i) => i + 1) });
    }
  }, 60_000);

  it('the legacy /api dialect on each service’s own port, and the customer’s e-mail from notification-service', async () => {
    const sku = await product(5);
    const customer = await signDevToken({ sub: '123456', email: 'buyer@example.com', secret: SECRET });
    const service = await signDevToken({ sub: 'ops', roles: ['service'], secret: SECRET });
    const post = async (s: Service, path: string, body: object, token?: string) => {
      const res = await fetch(`http://127.0.0.1:${ports[s].http}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const unsigned = { userId: '123456', token: customer, orderAmount: 10.0, items: [{ productId: sku, quantity: 2 }] };
    const signature = createHmac('sha256', SIGNING_SECRET).update(canonicalize(unsigned)!).digest('hex');
    const created = await post('order-service', '/api/orders/create', { ...unsigned, signature });
    expect(created).toEqual({ status: 200, body: { code: 200, message: 'Order created successfully', orderId: expect.any(String), status: 'pending' } });
    const id: string = created.body.orderId;
    await until(`order ${id} RESERVED`, async () => {
      const { rows } = await sql.query(`SELECT status FROM order_service.orders WHERE id = $1`, [id]);
      return rows[0]?.status === 'RESERVED' ? true : undefined;
    });
    const paid = await post('order-service', '/api/payment/process', {
      orderId: id,
      userId: '123456',
      paymentAmount: 10.0,
      paymentMethod: 'credit_card',
      paymentDetails: { cardNumber: '4111111111111111', expiryDate: '12/39', cvv: '123' },
    }, customer);
    expect(paid).toEqual({ status: 200, body: { code: 200, message: 'Payment successful', paymentStatus: 'completed', transactionId: expect.any(String) } });

    // The "successfully paid" e-mail, once, to the creating token's e-mail claim.
    const mail = await until('the paid e-mail', async () => {
      const { rows } = await sql.query(`SELECT recipient, subject, body, status FROM notification_service.notifications WHERE order_id = $1 AND kind = 'PAYMENT_CAPTURED'`, [id]);
      return rows[0]?.status === 'SENT' ? rows : undefined;
    });
    expect(mail).toEqual([{ recipient: 'buyer@example.com', subject: 'Order Status Update', body: `Your order ${id} has been successfully paid.`, status: 'SENT' }]);
    const files = await readdir(join(dataDir, 'mailbox'));
    const written = await Promise.all(files.map((f) => readFile(join(dataDir, 'mailbox', f), 'utf8')));
    expect(written.filter((text) => text.includes(`Your order ${id} has been successfully paid.`))).toHaveLength(1);

    const lock = await post('inventory-service', '/api/inventory/lock', { orderId: `LOCK-${id}`, items: [{ productId: sku, quantity: 1 }] }, service);
    expect(lock).toEqual({ status: 200, body: { code: 200, message: 'Inventory locked successfully', locked: true } });
    expect(await post('inventory-service', '/api/inventory/lock', { orderId: `LOCK2-${id}`, items: [{ productId: sku, quantity: 50 }] }, service)).toEqual({
      status: 400,
      body: { code: 400, message: 'Insufficient inventory', locked: false },
    });
    expect((await call('notification-service', 'PUT', '/v1/customers/123456/contact', admin, { email: 'buyer@example.com', preferredChannel: 'email' })).status).toBe(200);
    const sent = await post('notification-service', '/api/notification/send', {
      userId: '123456',
      notificationType: 'email',
      subject: 'Order Status Update',
      message: `Your order ${id} has been successfully paid.`,
    }, service);
    expect(sent).toEqual({ status: 200, body: { code: 200, message: 'Notification sent successfully' } });
  });

  it('an order survives SIGKILL of inventory-service and of payment-service mid-saga', async () => {
    const sku = await product(3);
    await stop('inventory-service', 'SIGKILL');
    const created = await call('order-service', 'POST', '/v1/orders', alice, { items: [{ sku, qty: 1 }] });
    expect(created.status).toBe(200);
    start('inventory-service');
    await ready('inventory-service');
    const id = created.body.order.id;
    await orderIn(id, 'ORDER_STATUS_RESERVED');

    const paying = pay(id, '4111111111111111');
    await stop('payment-service', 'SIGKILL');
    await paying;
    start('payment-service');
    await ready('payment-service');
    await orderIn(id, 'ORDER_STATUS_CONFIRMED', 'ORDER_STATUS_RESERVED');
    const final = await until('a stable order', async () => {
      const { body } = await call('order-service', 'GET', `/v1/orders/${id}`, alice);
      const payment = body.order.payment?.status;
      return payment === 'PAYMENT_STATUS_PROCESSING' || payment === 'PAYMENT_STATUS_HELD' ? undefined : body.order;
    }, 60_000);
    if (final.status === 'ORDER_STATUS_RESERVED') {
      // The hold was lost with the process before the gateway took it: the order may be paid again.
      expect((await pay(id, '4111111111111111')).status).toBe(200);
    }
    await orderIn(id, 'ORDER_STATUS_CONFIRMED');
    const { rows } = await sql.query(
      `SELECT count(*)::int AS captured FROM payment_service.payments WHERE order_id = $1 AND status IN ('CAPTURED', 'REFUNDED')`,
      [id],
    );
    expect(rows[0].captured).toBe(1);
    await stockIs(sku, { stock: 2, reserved: 0 });
  }, 120_000);

  it('an order survives SIGKILL of order-service between create and the reservation reply', async () => {
    const sku = await product(2);
    await stop('inventory-service', 'SIGKILL');
    const created = await call('order-service', 'POST', '/v1/orders', alice, { items: [{ sku, qty: 1 }] });
    expect(created.status).toBe(200);
    // The reserve command is in order-service's outbox (or already on the broker); kill the orchestrator.
    await stop('order-service', 'SIGKILL');
    start('inventory-service');
    await ready('inventory-service');
    start('order-service');
    await ready('order-service');
    const id = created.body.order.id;
    await orderIn(id, 'ORDER_STATUS_RESERVED');
    expect((await pay(id, '4111111111111111')).status).toBe(200);
    await orderIn(id, 'ORDER_STATUS_CONFIRMED');
    await stockIs(sku, { stock: 1, reserved: 0 });
    const seqs = await until('the CONFIRMED event', async () => {
      const mine = events.received.filter((e) => e.routingKey === 'order.status_changed' && e.body.orderId === id);
      return mine.some((e) => e.body.newStatus === 'ORDER_STATUS_CONFIRMED') ? mine.map((e) => Number(e.body.seq)) : undefined;
    });
    // At least once: a redelivery may repeat an event, never skip one.
    expect([...new Set(seqs)].sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
  }, 120_000);

  it('an unpaid order is canceled with PAYMENT_TIMEOUT and its stock released (deadline kept across a restart)', async () => {
    expect(await stop('order-service', 'SIGTERM')).toBe(0);
    start('order-service', { OMS_ORDER_PAYMENT_TIMEOUT_SECONDS: '2' });
    await ready('order-service');
    const sku = await product(3);
    const id = await reservedOrder(sku, 2);
    // The deadline lives in PostgreSQL: a restart in between does not lose it.
    expect(await stop('order-service', 'SIGTERM')).toBe(0);
    start('order-service', { OMS_ORDER_PAYMENT_TIMEOUT_SECONDS: '2' });
    await ready('order-service');
    const order = await orderIn(id, 'ORDER_STATUS_CANCELED');
    expect(order.statusReason).toBe('PAYMENT_TIMEOUT');
    await stockIs(sku, { stock: 3, reserved: 0 });
    expect(await stop('order-service', 'SIGTERM')).toBe(0);
    start('order-service');
    await ready('order-service');
  }, 90_000);

  it('readiness follows the broker connection: down while it is gone, up again without a restart; liveness stays up', async () => {
    const probe = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${ports['inventory-service'].http}${path}`);
      return { status: res.status, body: (await res.json()) as { details?: Record<string, { status: string; message?: string }> } };
    };
    // The services cannot log in again until the permissions are back.
    rabbitmqctl('clear_permissions', '-p', VHOST, 'guest');
    rabbitmqctl('close_all_connections', '-p', VHOST, 'readiness test');
    try {
      const down = await until('inventory-service not ready', async () => {
        const ready = await probe('/health/ready');
        return ready.status === 503 ? ready : undefined;
      });
      expect(down.body.details?.['broker:inventory-service']).toMatchObject({ status: 'down', message: expect.stringMatching(/not connected/) });
      expect(down.body.details?.['inventory-service database']).toMatchObject({ status: 'up' });
      expect((await probe('/health/live')).status).toBe(200);
    } finally {
      rabbitmqctl('set_permissions', '-p', VHOST, 'guest', '.*', '.*', '.*');
    }
    await Promise.all(SERVICES.map((s) => ready(s, 30_000)));
    // And the saga runs again over the new connections.
    const sku = await product(1);
    await reservedOrder(sku);
  });

  it('drains on SIGTERM: each service exits 0', async () => {
    for (const s of SERVICES) expect(await stop(s, 'SIGTERM')).toBe(0);
  }, 60_000);
});
