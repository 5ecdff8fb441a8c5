import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { IdempotencyJanitor } from '#libs/idempotency';
import type { OrderClient, Outcome } from './support/order-clients.js';
import { OrderServiceHarness } from './support/order-service.harness.js';

let h: OrderServiceHarness;
let alice: string;
let bob: string;
let admin: string;

beforeAll(async () => {
  h = await OrderServiceHarness.start();
  [alice, bob, admin] = await Promise.all([h.token('alice'), h.token('bob'), h.token('root', ['admin'])]);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const twoItems = { items: [{ sku: 'P001', qty: 2 }, { sku: 'P002', qty: 1 }] };
const card = { cardNumber: '4111111111111111', expiryDate: '12/39', cvv: '123' };

function ok(outcome: Outcome): Record<string, any> {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.status} ${outcome.reason ?? ''}: ${outcome.message}`);
  return outcome.body;
}

async function create(client: OrderClient, token = alice): Promise<Record<string, any>> {
  return ok(await client.call('CreateOrder', twoItems, { token })).order;
}

/** Strips what legitimately differs between two orders made the same way. */
function shape(order: Record<string, any>): Record<string, unknown> {
  const { id: _id, customerId: _customer, createTime: _c, updateTime: _u, payment, ...rest } = order;
  return { ...rest, payment: payment ? { ...payment, id: undefined, transactionId: undefined } : undefined };
}

describe.each(['rest', 'grpc'] as const)('OrderService over %s', (port) => {
  const client = (): OrderClient => h[port];

  it('creates an order priced from the catalog: PENDING, version 1', async () => {
    const order = await create(client());
    expect(order).toMatchObject({
      customerId: 'alice',
      status: 'ORDER_STATUS_PENDING',
      version: '1',
      amount: { currency: 'USD', amountMinor: '10050' },
      items: [
        { sku: 'P001', qty: 2, price: { currency: 'USD', amountMinor: '3350' } },
        { sku: 'P002', qty: 1, price: { currency: 'USD', amountMinor: '3350' } },
      ],
    });
    expect(new Date(order.createTime).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('rejects invalid requests with field violations', async () => {
    const outcome = await client().call(
      'CreateOrder',
      { items: [{ sku: 'P001', qty: 0 }, { sku: 'NOPE', qty: 1 }, { sku: 'bad sku!', qty: 20_000 }] },
      { token: alice },
    );
    expect(outcome).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT' });
    expect(outcome.ok || outcome.fields).toEqual(
      expect.arrayContaining(['items[0].qty', 'items[2].sku', 'items[2].qty']),
    );
    const empty = await client().call('CreateOrder', { items: [] }, { token: alice });
    expect(empty).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT', fields: ['items'] });
  });

  it('rejects unknown skus and wrong prices against the catalog', async () => {
    const outcome = await client().call(
      'CreateOrder',
      { items: [{ sku: 'P999', qty: 1 }, { sku: 'P002', qty: 1, price: { currency: 'USD', amountMinor: '1' } }] },
      { token: alice },
    );
    expect(outcome).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT', fields: ['items[0].sku', 'items[1].price'] });
  });

  it('refuses to create an order for another customer, unless admin', async () => {
    const denied = await client().call('CreateOrder', { ...twoItems, customerId: 'bob' }, { token: alice });
    expect(denied).toMatchObject({ ok: false, status: 'PERMISSION_DENIED' });
    const byAdmin = ok(await client().call('CreateOrder', { ...twoItems, customerId: 'bob' }, { token: admin }));
    expect(byAdmin.order.customerId).toBe('bob');
  });

  it('gets own orders; unknown and foreign orders are NOT_FOUND', async () => {
    const order = await create(client());
    expect(ok(await client().call('GetOrder', { id: order.id }, { token: alice })).order).toEqual(order);
    expect(await client().call('GetOrder', { id: order.id }, { token: bob })).toMatchObject({
      ok: false,
      status: 'NOT_FOUND',
      reason: 'ORDER_NOT_FOUND',
    });
    expect(await client().call('GetOrder', { id: randomUUID() }, { token: alice })).toMatchObject({
      ok: false,
      status: 'NOT_FOUND',
    });
    expect(ok(await client().call('GetOrder', { id: order.id }, { token: admin })).order.id).toBe(order.id);
  });

  it('refuses calls without a token or with a bad one', async () => {
    expect(await client().call('ListOrders', {}, {})).toMatchObject({ ok: false, status: 'UNAUTHENTICATED' });
    expect(await client().call('ListOrders', {}, { token: `${alice}x` })).toMatchObject({
      ok: false,
      status: 'UNAUTHENTICATED',
    });
    expect(await client().call('CreateOrder', twoItems, { token: 'not-a-jwt' })).toMatchObject({
      ok: false,
      status: 'UNAUTHENTICATED',
    });
  });

  it('echoes the correlation id, and makes one when none is sent', async () => {
    const id = `corr-${randomUUID()}`;
    const outcome = await client().call('CreateOrder', twoItems, { token: alice, correlationId: id });
    expect(outcome.correlationId).toBe(id);
    const generated = await client().call('ListOrders', {}, { token: alice });
    expect(generated.correlationId).toMatch(/.{8,}/);
    const failed = await client().call('GetOrder', { id: 'missing' }, { token: alice, correlationId: id });
    expect(failed.correlationId).toBe(id);
  });

  it('pays a RESERVED order: captured, and only the last 4 digits are shown', async () => {
    const canceled = await create(client());
    ok(await client().call('CancelOrder', { id: canceled.id }, { token: alice }));
    const notPayable = await client().call('PayOrder', { id: canceled.id, paymentMethod: 'credit_card', paymentDetails: card }, { token: alice });
    expect(notPayable).toMatchObject({ ok: false, status: 'FAILED_PRECONDITION', reason: 'ORDER_NOT_PAYABLE' });

    const order = await create(client());
    await h.reserved(order.id);
    const paid = ok(
      await client().call('PayOrder', { id: order.id, paymentMethod: 'credit_card', paymentDetails: card, expectedVersion: '2' }, { token: alice }),
    );
    expect(paid.payment).toMatchObject({ status: 'PAYMENT_STATUS_CAPTURED', method: 'credit_card', cardLast4: '1111' });
    expect(['ORDER_STATUS_PAID', 'ORDER_STATUS_CONFIRMED']).toContain(paid.order.status);
    expect(JSON.stringify(paid)).not.toContain('4111111111111111');

    await h.settle(order.id, 'CONFIRMED');
    const again = await client().call('PayOrder', { id: order.id, paymentMethod: 'credit_card', paymentDetails: card }, { token: alice });
    expect(again).toMatchObject({ ok: false, status: 'FAILED_PRECONDITION', reason: 'ORDER_NOT_PAYABLE' });
  });

  it('validates payment details', async () => {
    const order = await create(client());
    await h.reserved(order.id);
    const outcome = await client().call(
      'PayOrder',
      { id: order.id, paymentMethod: 'credit_card', paymentDetails: { cardNumber: '4111111111111112', expiryDate: '01/20', cvv: '12' } },
      { token: alice },
    );
    expect(outcome).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT' });
    expect(outcome.ok || outcome.fields.sort()).toEqual([
      'paymentDetails.cardNumber',
      'paymentDetails.cvv',
      'paymentDetails.expiryDate',
    ]);
  });

  it('cancels PENDING and RESERVED orders, not PAID ones', async () => {
    const order = await create(client());
    const canceled = ok(await client().call('CancelOrder', { id: order.id, reason: 'changed my mind' }, { token: alice }));
    expect(canceled.order).toMatchObject({ status: 'ORDER_STATUS_CANCELED', statusReason: 'changed my mind' });
    expect(await client().call('CancelOrder', { id: order.id }, { token: alice })).toMatchObject({
      ok: false,
      status: 'FAILED_PRECONDITION',
    });

    const paid = await create(client());
    await h.confirmed(paid.id, alice);
    expect(await client().call('CancelOrder', { id: paid.id }, { token: alice })).toMatchObject({
      ok: false,
      status: 'FAILED_PRECONDITION',
      reason: 'ORDER_NOT_CANCELABLE',
    });
  });

  it('refunds PAID orders, nothing else', async () => {
    const order = await create(client());
    expect(await client().call('RefundOrder', { id: order.id }, { token: alice })).toMatchObject({
      ok: false,
      status: 'FAILED_PRECONDITION',
      reason: 'ORDER_NOT_REFUNDABLE',
    });
    await h.confirmed(order.id, alice);
    const refunded = ok(await client().call('RefundOrder', { id: order.id, reason: 'damaged' }, { token: alice }));
    expect(refunded.order).toMatchObject({ status: 'ORDER_STATUS_REFUNDED', statusReason: 'damaged' });
    expect(refunded.order.payment.status).toBe('PAYMENT_STATUS_REFUNDED');
  });

  it('answers ABORTED when expected_version does not match', async () => {
    const order = await create(client());
    const outcome = await client().call('CancelOrder', { id: order.id, expectedVersion: '7' }, { token: alice });
    expect(outcome).toMatchObject({ ok: false, status: 'ABORTED', reason: 'VERSION_MISMATCH' });
    expect(ok(await client().call('GetOrder', { id: order.id }, { token: alice })).order.status).not.toBe('ORDER_STATUS_CANCELED');
  });

  it('replays an idempotent request with the identical response and no second order', async () => {
    const key = `key-${randomUUID()}`;
    const first = await client().call('CreateOrder', twoItems, { token: alice, idempotencyKey: key });
    const second = await client().call('CreateOrder', twoItems, { token: alice, idempotencyKey: key });
    expect(second.ok && second.body).toEqual(first.ok && first.body);
    // The same key of another caller is another key.
    const bobs = ok(await client().call('CreateOrder', twoItems, { token: bob, idempotencyKey: key }));
    expect(bobs.order.id).not.toBe(ok(first).order.id);
  });

  it('replays a refused request with the same error', async () => {
    const key = `key-${randomUUID()}`;
    const req = { id: randomUUID(), reason: 'x' };
    const first = await client().call('CancelOrder', req, { token: alice, idempotencyKey: key });
    const second = await client().call('CancelOrder', req, { token: alice, idempotencyKey: key });
    expect(first).toMatchObject({ ok: false, status: 'NOT_FOUND' });
    expect({ ...second, correlationId: undefined }).toEqual({ ...first, correlationId: undefined });
  });

  it('answers ALREADY_EXISTS when a key is reused with a different request', async () => {
    const key = `key-${randomUUID()}`;
    ok(await client().call('CreateOrder', twoItems, { token: alice, idempotencyKey: key }));
    const reused = await client().call('CreateOrder', { items: [{ sku: 'P001', qty: 5 }] }, { token: alice, idempotencyKey: key });
    expect(reused).toMatchObject({ ok: false, status: 'ALREADY_EXISTS', reason: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('rejects a malformed idempotency key', async () => {
    const outcome = await client().call('CreateOrder', twoItems, { token: alice, idempotencyKey: 'x'.repeat(256) });
    expect(outcome).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT', fields: ['idempotency-key'] });
  });

  it('creates one order for concurrent requests with one key', async () => {
    const key = `key-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 6 }, () => client().call('CreateOrder', twoItems, { token: bob, idempotencyKey: key })),
    );
    const ids = new Set(results.map((r) => ok(r).order.id));
    expect(ids.size).toBe(1);
    const { rows } = await h.sql.query(`SELECT count(*)::int AS n FROM order_service.orders WHERE id = $1`, [[...ids][0]]);
    expect(rows[0].n).toBe(1);
  });

  it('rejects a tampered or foreign page token', async () => {
    for (let i = 0; i < 3; i++) await create(client(), bob);
    const page = ok(await client().call('ListOrders', { pageSize: 2 }, { token: bob }));
    expect(page.nextPageToken).toBeTruthy();
    const token: string = page.nextPageToken;
    const tampered = token.slice(0, 5) + (token[5] === 'A' ? 'B' : 'A') + token.slice(6);
    expect(await client().call('ListOrders', { pageSize: 2, pageToken: tampered }, { token: bob })).toMatchObject({
      ok: false,
      status: 'INVALID_ARGUMENT',
      fields: ['pageToken'],
    });
    expect(await client().call('ListOrders', { pageSize: 2, pageToken: token }, { token: alice })).toMatchObject({
      ok: false,
      status: 'INVALID_ARGUMENT',
    });
    expect(
      await client().call('ListOrders', { pageSize: 2, pageToken: token, status: 'ORDER_STATUS_PAID' }, { token: bob }),
    ).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT' });
    expect(await client().call('ListOrders', { pageSize: 101 }, { token: bob })).toMatchObject({
      ok: false,
      status: 'INVALID_ARGUMENT',
      fields: ['pageSize'],
    });
  });

  it('pages newest first without duplicates or gaps while orders are being created', async () => {
    const customer = `pager-${port}`;
    const token = await h.token(customer);
    const before: string[] = [];
    for (let i = 0; i < 25; i++) before.unshift((await create(client(), token)).id);

    const seen: string[] = [];
    let pageToken = '';
    let writers = 0;
    do {
      const page = ok(await client().call('ListOrders', { pageSize: 4, ...(pageToken && { pageToken }) }, { token }));
      seen.push(...page.orders.map((o: { id: string }) => o.id));
      pageToken = page.nextPageToken ?? '';
      await Promise.all([create(client(), token), create(client(), token)]);
      writers += 2;
    } while (pageToken);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(before);
    expect(writers).toBeGreaterThan(0);
    const others = ok(await client().call('ListOrders', {}, { token: alice })).orders;
    expect(others.every((o: { customerId: string }) => o.customerId === 'alice')).toBe(true);
  });

  it('lets admins list any customer, customers only themselves', async () => {
    await create(client(), bob);
    const asAdmin = ok(await client().call('ListOrders', { customerId: 'bob', pageSize: 100 }, { token: admin })).orders;
    expect(asAdmin.length).toBeGreaterThan(0);
    expect(asAdmin.every((o: { customerId: string }) => o.customerId === 'bob')).toBe(true);
    expect(await client().call('ListOrders', { customerId: 'bob' }, { token: alice })).toMatchObject({
      ok: false,
      status: 'PERMISSION_DENIED',
    });
  });
});

describe('both ports answer alike', () => {
  it('gives the same outcome for every method', async () => {
    const results: Record<string, unknown[]> = {};
    for (const client of [h.rest, h.grpc]) {
      const token = await h.token(`twin-${client.port}`);
      const order = await create(client, token);
      await h.reserved(order.id);
      const paid = await client.call('PayOrder', { id: order.id, paymentMethod: 'credit_card', paymentDetails: card }, { token });
      const other = await create(client, token);
      await h.reserved(other.id);
      const canceled = await client.call('CancelOrder', { id: other.id, reason: 'r' }, { token });
      const third = await create(client, token);
      await h.confirmed(third.id, token);
      const refunded = await client.call('RefundOrder', { id: third.id, reason: 'r' }, { token });
      await h.settle(order.id, 'CONFIRMED');
      const got = await client.call('GetOrder', { id: order.id }, { token });
      const bad = await client.call('CreateOrder', { items: [{ sku: 'P001', qty: -1 }] }, { token });
      const listed = await client.call('ListOrders', { status: 'ORDER_STATUS_CANCELED' }, { token });
      results[client.port] = [
        shape(order),
        // PAID or already CONFIRMED when PayOrder answers: the commit races the answer.
        ok(paid).payment.status,
        shape(ok(canceled).order),
        shape(ok(refunded).order),
        shape(ok(got).order),
        { ...bad, message: undefined, correlationId: undefined, httpStatus: undefined },
        ok(listed).orders.map(shape),
      ];
    }
    expect(results.grpc).toEqual(results.rest);
  });
});

describe('health and edges', () => {
  it('serves the probes without a token', async () => {
    for (const path of ['/health/live', '/health/ready', '/health/startup']) {
      const res = await fetch(`${h.running.httpUrl}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });

  it('answers malformed JSON and unknown routes with AIP-193 errors, not 500', async () => {
    const bad = await fetch(`${h.running.httpUrl}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: '{"items": [',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    const missing = await fetch(`${h.running.httpUrl}/v1/orders/x:explode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.status).toBe('NOT_FOUND');
  });
});

describe('gRPC health and reflection', () => {
  const require = createRequire(import.meta.url);
  const load = (file: string): any => loadPackageDefinition(loadSync(file, { keepCase: true, enums: String }));

  it('reports oms.v1.OrderService SERVING through grpc.health.v1', async () => {
    const { grpc } = load(require.resolve('grpc-health-check/proto/health/v1/health.proto'));
    const client = new grpc.health.v1.Health(h.running.grpcAddress, credentials.createInsecure());
    const check = (service: string): Promise<any> =>
      new Promise((resolve) => client.Check({ service }, (err: any, res: any) => resolve(err ? { code: err.code } : res)));
    expect(await check('oms.v1.OrderService')).toEqual({ status: 'SERVING' });
    expect(await check('')).toEqual({ status: 'SERVING' });
    expect(await check('oms.v1.Nope')).toEqual({ code: 5 });
    client.close();
  });

  it('lists its services through server reflection', async () => {
    const pkg = load(require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'));
    const client = new pkg.grpc.reflection.v1.ServerReflection(h.running.grpcAddress, credentials.createInsecure());
    const names = await new Promise<string[]>((resolve, reject) => {
      const call = client.ServerReflectionInfo();
      call.on('data', (res: any) => {
        resolve(res.list_services_response.service.map((s: { name: string }) => s.name));
        call.end();
      });
      call.on('error', reject);
      call.write({ list_services: '' });
    });
    expect(names).toEqual(expect.arrayContaining(['oms.v1.OrderService']));
    client.close();
  });
});

describe('idempotency key retention', () => {
  it('keeps keys for 24 hours and purges them afterwards, freeing the key', async () => {
    const key = `key-${randomUUID()}`;
    const first = ok(await h.rest.call('CreateOrder', twoItems, { token: alice, idempotencyKey: key }));
    const { rows } = await h.sql.query(
      `SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM order_service.idempotency_keys WHERE key = $1`,
      [key],
    );
    expect(Number(rows[0].hours)).toBeGreaterThanOrEqual(24);

    await h.sql.query(`UPDATE order_service.idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
    // One janitor per service module in this process; order-service's is among them.
    const janitors = h.running.app.get(IdempotencyJanitor, { strict: false, each: true });
    const purged = (await Promise.all(janitors.map((j) => j.purge()))).reduce((a, b) => a + b, 0);
    expect(purged).toBeGreaterThanOrEqual(1);
    const again = ok(await h.rest.call('CreateOrder', twoItems, { token: alice, idempotencyKey: key }));
    expect(again.order.id).not.toBe(first.order.id);
  });
});
