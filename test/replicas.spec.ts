import { SERVICES, ServiceCluster, sleep, until, type Replica } from './support/service-cluster.js';

/**
 * Two replicas of every service against one database and one broker: two outbox relays per
 * schema, two competing consumers per queue, two timeout schedulers. Over 1,000 orders with every
 * fate (paid, canceled, timed out), no effect happens twice, every order's events arrive once and
 * in order, and each payment timeout fires once.
 */
const ORDERS = Number(process.env.OMS_REPLICA_TEST_ORDERS ?? 1000);
const WORKERS = 16;
const TIMEOUT_SECONDS = 12;

type Fate = 'pay' | 'cancel' | 'timeout';
const fateOf = (i: number): Fate => (i % 5 === 0 ? 'pay' : i % 5 === 1 ? 'cancel' : 'timeout');

let c: ServiceCluster;

beforeAll(async () => {
  c = await ServiceCluster.start({
    replicas: { 'order-service': 2, 'inventory-service': 2, 'payment-service': 2, 'notification-service': 2 },
    env: {
      OMS_ORDER_PAYMENT_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
      OMS_GATEWAY_LATENCY_MS: '0',
      // The test's balancer polls readiness every 100 ms: a draining replica keeps serving longer than that.
      OMS_SHUTDOWN_DELAY_MS: '1000',
    },
  });
  // Holds fail over between the payment replicas (grpc-js pick_first over the address list).
  const payments = c.of('payment-service').map((r) => `127.0.0.1:${r.grpc}`);
  c.env.OMS_PAYMENT_GRPC_ADDRESS = `ipv4:${payments.join(',')}`;
  for (const replica of c.of('order-service')) {
    expect(await c.stopReplica(replica)).toBe(0);
    c.startReplica(replica);
    await c.ready(replica);
  }
}, 180_000);

afterAll(() => c?.close(), 60_000);

const statusOf = async (id: string): Promise<{ status: string; status_reason: string } | undefined> =>
  (await c.sql.query(`SELECT status, status_reason FROM order_service.orders WHERE id = $1`, [id])).rows[0];

it(`${ORDERS} orders over two replicas of every service: no duplicate effect, events once and in order, timeouts once`, async () => {
  const skus = await Promise.all([0, 1, 2, 3].map(() => c.product(ORDERS)));
  const orders = c.of('order-service');
  const customers = await Promise.all([...Array(8).keys()].map((n) => c.token(`replica-customer-${n}`)));
  const placed: { id: string; sku: string; fate: Fate; token: string }[] = [];
  const failures: string[] = [];

  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ORDERS; i = next++) {
      const sku = skus[i % skus.length]!;
      const token = customers[i % customers.length]!;
      const fate = fateOf(i);
      // Requests alternate between the replicas, as a load balancer would spread them.
      const via = (k: number): Replica => orders[(i + k) % orders.length]!;
      const created = await c.call(via(0), 'POST', '/v1/orders', token, { items: [{ sku, qty: 1 }] });
      if (created.status !== 200) {
        failures.push(`create ${i}: ${created.status}`);
        continue;
      }
      const id: string = created.body.order.id;
      placed.push({ id, sku, fate, token });
      if (fate === 'timeout') continue;
      await until(`order ${id} RESERVED`, async () => ((await statusOf(id))?.status === 'RESERVED' ? true : undefined), 60_000, 50);
      const answer =
        fate === 'pay'
          ? await c.call(via(1), 'POST', `/v1/orders/${id}:pay`, token, {
              paymentMethod: 'credit_card',
              paymentDetails: { cardNumber: '4242424242424242', expiryDate: '12/39', cvv: '123' },
            })
          : await c.call(via(1), 'POST', `/v1/orders/${id}:cancel`, token, { reason: 'changed my mind' });
      if (answer.status !== 200) failures.push(`${fate} ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  };
  await Promise.all([...Array(WORKERS)].map(worker));
  expect(failures).toEqual([]);
  expect(placed).toHaveLength(ORDERS);

  // Every order settles: paid ones CONFIRMED, canceled ones CANCELED, the rest timed out.
  const expected = (fate: Fate) => (fate === 'pay' ? 'CONFIRMED' : 'CANCELED');
  await until(
    'every order final',
    async () => {
      const { rows } = await c.sql.query(`SELECT count(*)::int AS open FROM order_service.orders WHERE status IN ('PENDING', 'RESERVED', 'PAID')`);
      return rows[0].open === 0 ? true : undefined;
    },
    (TIMEOUT_SECONDS + 60) * 1000,
    500,
  );
  const { rows: final } = await c.sql.query(`SELECT id, status, status_reason FROM order_service.orders`);
  const byId = new Map(final.map((r) => [r.id, r]));
  const wrong = placed.filter((p) => {
    const row = byId.get(p.id)!;
    const reasonOk = p.fate === 'timeout' ? row.status_reason === 'PAYMENT_TIMEOUT' : row.status_reason !== 'PAYMENT_TIMEOUT';
    return row.status !== expected(p.fate) || !reasonOk;
  });
  expect(wrong.map((p) => ({ ...p, token: undefined, row: byId.get(p.id) }))).toEqual([]);

  // Stock: each confirmed order took one unit for good; nothing else is held.
  const { rows: stock } = await c.sql.query(`SELECT sku, stock::int, reserved::int FROM inventory_service.products WHERE sku = ANY($1)`, [skus]);
  for (const row of stock) {
    const sold = placed.filter((p) => p.sku === row.sku && p.fate === 'pay').length;
    expect(row).toEqual({ sku: row.sku, stock: ORDERS - sold, reserved: 0 });
  }
  // One reservation per order, in its final state.
  const { rows: reservations } = await c.sql.query(`SELECT status, count(*)::int AS n FROM inventory_service.reservations GROUP BY status ORDER BY status`);
  const paid = placed.filter((p) => p.fate === 'pay').length;
  expect(reservations).toEqual([
    { status: 'COMMITTED', n: paid },
    { status: 'RELEASED', n: ORDERS - paid },
  ]);
  // Exactly one captured payment per paid order, and no payment for the others.
  const { rows: payments } = await c.sql.query(
    `SELECT order_id, count(*)::int AS n, count(*) FILTER (WHERE status = 'CAPTURED')::int AS captured FROM payment_service.payments GROUP BY order_id`,
  );
  expect(payments.filter((p) => p.n !== 1 || p.captured !== 1)).toEqual([]);
  expect(payments).toHaveLength(paid);

  // Events: each order's order.status_changed arrive once each, in seq order, with no gap.
  await until(
    'every final event',
    async () => {
      const finals = new Set(c.events.filter((e) => e.routingKey === 'order.status_changed' && ['ORDER_STATUS_CONFIRMED', 'ORDER_STATUS_CANCELED'].includes(e.body.newStatus)).map((e) => e.body.orderId));
      return placed.every((p) => finals.has(p.id)) ? true : undefined;
    },
    60_000,
    250,
  );
  await sleep(500);
  const seqs = new Map<string, number[]>();
  for (const e of c.events.filter((x) => x.routingKey === 'order.status_changed')) seqs.set(e.body.orderId, [...(seqs.get(e.body.orderId) ?? []), Number(e.body.seq)]);
  const disordered = placed.filter((p) => {
    const got = seqs.get(p.id) ?? [];
    return got.some((s, i) => s !== i + 1);
  });
  expect(disordered.map((p) => ({ id: p.id, fate: p.fate, seqs: seqs.get(p.id) }))).toEqual([]);
  // Each timeout fired once: one CANCELED event with PAYMENT_TIMEOUT per timed-out order.
  const timeoutEvents = c.events.filter((e) => e.routingKey === 'order.status_changed' && e.body.reason === 'PAYMENT_TIMEOUT');
  expect(timeoutEvents).toHaveLength(placed.filter((p) => p.fate === 'timeout').length);
}, 600_000);

/**
 * A load balancer as Kubernetes gives one: it routes only to replicas whose readiness it last
 * saw true (polled every 100 ms), round robin.
 */
class Balancer {
  private readonly ready = new Map<Replica, boolean>();
  private turn = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly replicas: Replica[]) {
    for (const r of replicas) this.ready.set(r, true);
    this.timer = setInterval(() => void this.poll(), 100);
  }

  pick(): Replica | undefined {
    const up = this.replicas.filter((r) => this.ready.get(r));
    return up.length === 0 ? undefined : up[this.turn++ % up.length];
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    await Promise.all(this.replicas.map(async (r) => this.ready.set(r, await c.isReady(r))));
  }
}

it('a rolling restart under steady load: no 5xx or reset seen, every order settles, no event lost or repeated', async () => {
  const sku = await c.product(100_000);
  const customers = await Promise.all([...Array(8).keys()].map((n) => c.token(`rolling-customer-${n}`)));
  const balancer = new Balancer(c.of('order-service'));
  const problems: string[] = [];
  const placed: { id: string; fate: 'pay' | 'timeout' }[] = [];
  const flows: Promise<void>[] = [];

  const send = async (method: string, path: string, token: string, body: unknown) => {
    for (;;) {
      const replica = balancer.pick();
      if (!replica) {
        await sleep(50); // every replica out of rotation for a moment: wait, as a balancer queues
        continue;
      }
      try {
        const answer = await c.call(replica, method, path, token, body);
        if (answer.status >= 500) problems.push(`${method} ${path} on ${replica.service}#${replica.index}: ${answer.status} ${JSON.stringify(answer.body)}`);
        return answer;
      } catch (error) {
        problems.push(`${method} ${path} on ${replica.service}#${replica.index}: ${(error as Error).cause ?? error}`);
        return undefined;
      }
    }
  };
  const flow = async (n: number) => {
    const token = customers[n % customers.length]!;
    const created = await send('POST', '/v1/orders', token, { items: [{ sku, qty: 1 }] });
    if (created?.status !== 200) return;
    const id: string = created.body.order.id;
    const fate = n % 4 === 3 ? 'timeout' : 'pay';
    placed.push({ id, fate });
    if (fate === 'timeout') return;
    await until(`order ${id} RESERVED`, async () => ((await statusOf(id))?.status === 'RESERVED' ? true : undefined), 60_000, 50);
    const paid = await send('POST', `/v1/orders/${id}:pay`, token, {
      paymentMethod: 'credit_card',
      paymentDetails: { cardNumber: '4242424242424242', expiryDate: '12/39', cvv: '123' },
    });
    if (paid && paid.status !== 200) problems.push(`pay ${id}: ${paid.status} ${JSON.stringify(paid.body)}`);
  };

  let load = true;
  const generator = (async () => {
    for (let n = 0; load; n++) {
      flows.push(flow(n).catch((error: unknown) => void problems.push(`flow ${n}: ${String(error)}`)));
      await sleep(100);
    }
  })();

  // Each replica in turn: SIGTERM, a clean exit, started again, ready.
  await sleep(1_000);
  for (const service of SERVICES) {
    for (const replica of c.of(service)) {
      expect({ replica: `${service}#${replica.index}`, exit: await c.stopReplica(replica, 'SIGTERM') }).toEqual({ replica: `${service}#${replica.index}`, exit: 0 });
      c.startReplica(replica);
      await c.ready(replica);
    }
  }
  await sleep(1_000);
  load = false;
  await generator;
  await Promise.all(flows);
  balancer.stop();
  expect(problems).toEqual([]);
  expect(placed.length).toBeGreaterThan(50);

  await until(
    'every order of the load final',
    async () => {
      const { rows } = await c.sql.query(`SELECT count(*)::int AS open FROM order_service.orders WHERE id = ANY($1) AND status IN ('PENDING', 'RESERVED', 'PAID')`, [
        placed.map((p) => p.id),
      ]);
      return rows[0].open === 0 ? true : undefined;
    },
    (TIMEOUT_SECONDS + 60) * 1000,
    500,
  );
  for (const p of placed) {
    expect({ id: p.id, ...(await statusOf(p.id)) }).toEqual({
      id: p.id,
      status: p.fate === 'pay' ? 'CONFIRMED' : 'CANCELED',
      status_reason: p.fate === 'pay' ? '' : 'PAYMENT_TIMEOUT',
    });
  }
  // Every event of every order, once each, in order.
  await until(
    'the final events',
    async () => {
      const finals = new Set(c.events.filter((e) => e.routingKey === 'order.status_changed' && ['ORDER_STATUS_CONFIRMED', 'ORDER_STATUS_CANCELED'].includes(e.body.newStatus)).map((e) => e.body.orderId));
      return placed.every((p) => finals.has(p.id)) ? true : undefined;
    },
    60_000,
    250,
  );
  await sleep(500);
  const ids = new Set(placed.map((p) => p.id));
  const seqs = new Map<string, number[]>();
  for (const e of c.events.filter((x) => x.routingKey === 'order.status_changed' && ids.has(x.body.orderId))) {
    seqs.set(e.body.orderId, [...(seqs.get(e.body.orderId) ?? []), Number(e.body.seq)]);
  }
  expect(placed.filter((p) => (seqs.get(p.id) ?? []).some((s, i) => s !== i + 1)).map((p) => ({ ...p, seqs: seqs.get(p.id) }))).toEqual([]);
}, 600_000);
