import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Outcome } from './support/inventory-clients.js';
import { InventoryServiceHarness } from './support/inventory-service.harness.js';

let h: InventoryServiceHarness;
let admin: string;
let service: string;
let customer: string;

beforeAll(async () => {
  h = await InventoryServiceHarness.start();
  [admin, service, customer] = await Promise.all([h.token('root', ['admin']), h.token('order-service', ['service']), h.token('alice')]);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

function ok(outcome: Outcome): Record<string, any> {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.status} ${outcome.reason ?? ''}: ${outcome.message}`);
  return outcome.body;
}

let skuCounter = 0;
/** A fresh product with `stock` units, created over REST by the admin. */
async function newProduct(stock: number): Promise<string> {
  const sku = `E2E-${++skuCounter}-${randomUUID().slice(0, 8)}`;
  ok(await h.rest.put(sku, { name: `Product ${sku}`, price: { currency: 'USD', amountMinor: '1250' }, stock: String(stock) }, { token: admin }));
  return sku;
}

const reserve = (orderId: string, items: { sku: string; qty: number }[], token = service) =>
  h.grpc.call('Reserve', { orderId, items }, { token });

describe('catalog administration over REST', () => {
  it('creates, reads and replaces a product; GET shows stock and reserved', async () => {
    const sku = `REST-${randomUUID().slice(0, 8)}`;
    const created = ok(await h.rest.put(sku, { name: 'Desk Lamp', price: { currency: 'USD', amountMinor: 2500 }, stock: 7 }, { token: admin }));
    const product = { sku, name: 'Desk Lamp', price: { currency: 'USD', amountMinor: '2500' }, stock: '7' };
    // proto3 JSON leaves out zero values: no units reserved yet.
    expect(created).toEqual({ product });
    expect(ok(await h.rest.get(sku, { token: admin }))).toEqual({ product });

    ok(await reserve(`o-${randomUUID()}`, [{ sku, qty: 3 }]));
    const replaced = ok(await h.rest.put(sku, { name: 'Desk Lamp v2', price: { currency: 'USD', amountMinor: '2600' }, stock: '9' }, { token: admin }));
    expect(replaced.product).toEqual({ sku, name: 'Desk Lamp v2', price: { currency: 'USD', amountMinor: '2600' }, stock: '9', reserved: '3' });
    expect(ok(await h.rest.get(sku, { token: admin })).product).toEqual(replaced.product);
  });

  it('serves the demo catalog: P001 at 33.50 USD, 1000 in stock', async () => {
    expect(ok(await h.rest.get('P001', { token: admin })).product).toEqual({
      sku: 'P001',
      name: 'Wireless Mouse',
      price: { currency: 'USD', amountMinor: '3350' },
      stock: '1000',
    });
  });

  it('answers an unknown sku 404 NOT_FOUND', async () => {
    expect(await h.rest.get('P404', { token: admin })).toMatchObject({ ok: false, httpStatus: 404, status: 'NOT_FOUND', reason: 'PRODUCT_NOT_FOUND' });
  });

  it('rejects an invalid product with 400 and a field violation per broken rule', async () => {
    const outcome = await h.rest.put('bad.sku', { name: '', price: { currency: 'usd', amountMinor: -1 }, stock: -5 }, { token: admin });
    expect(outcome).toMatchObject({ ok: false, httpStatus: 400, status: 'INVALID_ARGUMENT' });
    expect(outcome.ok || [...new Set(outcome.fields)].sort()).toEqual(['name', 'price.amountMinor', 'price.currency', 'sku', 'stock']);
    const noPrice = await h.rest.put('P-NOPRICE', { name: 'x', stock: 1 }, { token: admin });
    expect(noPrice).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT', fields: ['price'] });
  });

  it('refuses a stock below the reserved units with 400 FAILED_PRECONDITION', async () => {
    const sku = await newProduct(5);
    ok(await reserve(`o-${randomUUID()}`, [{ sku, qty: 4 }]));
    expect(await h.rest.put(sku, { name: 'x', price: { currency: 'USD', amountMinor: 1 }, stock: 3 }, { token: admin })).toMatchObject({
      ok: false,
      httpStatus: 400,
      status: 'FAILED_PRECONDITION',
      reason: 'STOCK_BELOW_RESERVED',
    });
    expect(await h.units(sku)).toEqual({ stock: 5, reserved: 4 });
  });

  it('lets only admins in: customers and services 403, no token 401', async () => {
    const body = { name: 'x', price: { currency: 'USD', amountMinor: 1 }, stock: 1 };
    for (const token of [customer, service]) {
      expect(await h.rest.get('P001', { token })).toMatchObject({ ok: false, httpStatus: 403, status: 'PERMISSION_DENIED' });
      expect(await h.rest.put('P-DENIED', body, { token })).toMatchObject({ ok: false, httpStatus: 403, status: 'PERMISSION_DENIED' });
    }
    expect(await h.rest.get('P001', {})).toMatchObject({ ok: false, httpStatus: 401, status: 'UNAUTHENTICATED' });
    expect(await h.units('P-DENIED')).toBeUndefined();
  });

  it('honours Idempotency-Key on PUT: same request replays, another request is refused', async () => {
    const key = `key-${randomUUID()}`;
    const sku = `IDEM-${randomUUID().slice(0, 8)}`;
    const body = { name: 'Idem', price: { currency: 'USD', amountMinor: 10 }, stock: 1 };
    const first = ok(await h.rest.put(sku, body, { token: admin, idempotencyKey: key }));
    expect(ok(await h.rest.put(sku, body, { token: admin, idempotencyKey: key }))).toEqual(first);
    expect(await h.rest.put(sku, { ...body, stock: 2 }, { token: admin, idempotencyKey: key })).toMatchObject({
      ok: false,
      status: 'ALREADY_EXISTS',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
  });
});

describe('InventoryService over gRPC', () => {
  it('reserves all items, and answers a repeat the same without holding twice', async () => {
    const [a, b] = [await newProduct(10), await newProduct(10)];
    const orderId = `o-${randomUUID()}`;
    const items = [{ sku: a, qty: 2 }, { sku: b, qty: 1 }];

    const first = ok(await reserve(orderId, items));
    expect(first).toEqual({ reservation: { orderId, status: 'RESERVATION_STATUS_RESERVED', items } });
    expect(ok(await reserve(orderId, [...items].reverse()))).toEqual(first);
    expect(await h.units(a)).toEqual({ stock: 10, reserved: 2 });

    expect(await reserve(orderId, [{ sku: a, qty: 3 }])).toMatchObject({ ok: false, status: 'ALREADY_EXISTS', reason: 'RESERVATION_ALREADY_EXISTS' });
    expect(await h.units(a)).toEqual({ stock: 10, reserved: 2 });
  });

  it('rejects the whole order when an item is short or unknown, holding nothing', async () => {
    const [a, b] = [await newProduct(10), await newProduct(1)];
    const orderId = `o-${randomUUID()}`;

    const rejected = ok(await reserve(orderId, [{ sku: a, qty: 2 }, { sku: b, qty: 2 }, { sku: 'P-UNKNOWN', qty: 1 }]));

    expect(rejected.reservation).toMatchObject({
      status: 'RESERVATION_STATUS_REJECTED',
      failureReason: 'INSUFFICIENT_STOCK',
      unavailableSkus: [b, 'P-UNKNOWN'],
    });
    expect(await h.units(a)).toEqual({ stock: 10, reserved: 0 });
  });

  it('releases: units available again; repeats and later commits answer sensibly', async () => {
    const sku = await newProduct(5);
    const orderId = `o-${randomUUID()}`;
    ok(await reserve(orderId, [{ sku, qty: 5 }]));

    const released = ok(await h.grpc.call('Release', { orderId, reason: 'PAYMENT_TIMEOUT' }, { token: service }));
    expect(released.reservation).toMatchObject({ orderId, status: 'RESERVATION_STATUS_RELEASED' });
    expect(ok(await h.grpc.call('Release', { orderId }, { token: service }))).toEqual(released);
    expect(await h.units(sku)).toEqual({ stock: 5, reserved: 0 });
    expect(await h.grpc.call('Commit', { orderId }, { token: service })).toMatchObject({
      ok: false,
      status: 'FAILED_PRECONDITION',
      reason: 'RESERVATION_NOT_COMMITTABLE',
    });
  });

  it('commits then restocks: stock drops by the sale and comes back, each exactly once', async () => {
    const sku = await newProduct(10);
    const orderId = `o-${randomUUID()}`;
    ok(await reserve(orderId, [{ sku, qty: 4 }]));

    const committed = ok(await h.grpc.call('Commit', { orderId }, { token: service }));
    expect(committed.reservation).toMatchObject({ status: 'RESERVATION_STATUS_COMMITTED' });
    expect(ok(await h.grpc.call('Commit', { orderId }, { token: service }))).toEqual(committed);
    expect(await h.units(sku)).toEqual({ stock: 6, reserved: 0 });
    // A late release after the sale changes nothing.
    expect(ok(await h.grpc.call('Release', { orderId }, { token: service })).reservation.status).toBe('RESERVATION_STATUS_COMMITTED');

    const restocked = ok(await h.grpc.call('Restock', { orderId, reason: 'damaged' }, { token: service }));
    expect(restocked.reservation).toMatchObject({ status: 'RESERVATION_STATUS_RESTOCKED' });
    expect(ok(await h.grpc.call('Restock', { orderId }, { token: service }))).toEqual(restocked);
    expect(await h.units(sku)).toEqual({ stock: 10, reserved: 0 });
  });

  it('answers orders without a reservation: Release/Restock UNSPECIFIED, Commit NOT_FOUND', async () => {
    const orderId = `o-${randomUUID()}`;
    // proto3 JSON omits the UNSPECIFIED status and empty lists.
    expect(ok(await h.grpc.call('Release', { orderId }, { token: service }))).toEqual({ reservation: { orderId } });
    expect(ok(await h.grpc.call('Restock', { orderId }, { token: service }))).toEqual({ reservation: { orderId } });
    expect(await h.grpc.call('Commit', { orderId }, { token: service })).toMatchObject({ ok: false, status: 'NOT_FOUND', reason: 'RESERVATION_NOT_FOUND' });
  });

  it('gets and batch-gets products; unknown skus are NOT_FOUND or left out', async () => {
    const sku = await newProduct(3);
    expect(ok(await h.grpc.call('GetProduct', { sku }, { token: service })).product).toMatchObject({ sku, stock: '3' });
    expect(await h.grpc.call('GetProduct', { sku: 'P404' }, { token: service })).toMatchObject({ ok: false, status: 'NOT_FOUND' });
    const batch = ok(await h.grpc.call('BatchGetProducts', { skus: [sku, 'P404', 'P002'] }, { token: service }));
    expect(batch.products.map((p: { sku: string }) => p.sku)).toEqual([sku, 'P002']);
  });

  it('upserts products for admins only', async () => {
    const request = { sku: `G-${randomUUID().slice(0, 8)}`, name: 'Gadget', price: { currency: 'EUR', amountMinor: '999' }, stock: '4' };
    expect(await h.grpc.call('UpsertProduct', request, { token: service })).toMatchObject({ ok: false, status: 'PERMISSION_DENIED' });
    expect(ok(await h.grpc.call('UpsertProduct', request, { token: admin })).product).toEqual(request);
  });

  it('rejects invalid requests with field violations', async () => {
    const outcome = await reserve('', [{ sku: 'P001', qty: 0 }, { sku: '', qty: 10_001 }]);
    expect(outcome).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT' });
    expect(outcome.ok || [...outcome.fields].sort()).toEqual(['items[0].qty', 'items[1].qty', 'items[1].sku', 'orderId']);
    expect(await reserve('o-x', [])).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT', fields: ['items'] });
    expect(await reserve('o-x', [{ sku: 'P001', qty: 1 }, { sku: 'P001', qty: 1 }])).toMatchObject({
      ok: false,
      status: 'INVALID_ARGUMENT',
      fields: ['items[1].sku'],
    });
    expect(await h.grpc.call('BatchGetProducts', { skus: [] }, { token: service })).toMatchObject({ ok: false, fields: ['skus'] });
    expect(await h.grpc.call('UpsertProduct', { sku: 'ok', name: 'n', stock: '-1' }, { token: admin })).toMatchObject({
      ok: false,
      status: 'INVALID_ARGUMENT',
    });
  });

  it('refuses customers (PERMISSION_DENIED) and anonymous callers (UNAUTHENTICATED)', async () => {
    for (const method of ['Reserve', 'Release', 'Commit', 'Restock', 'GetProduct', 'BatchGetProducts', 'UpsertProduct'] as const) {
      expect(await h.grpc.call(method, { orderId: 'o', sku: 'P001', skus: ['P001'] }, { token: customer })).toMatchObject({
        ok: false,
        status: 'PERMISSION_DENIED',
      });
      expect(await h.grpc.call(method, {}, {})).toMatchObject({ ok: false, status: 'UNAUTHENTICATED' });
    }
    expect(await h.units('P001')).toEqual({ stock: 1000, reserved: 0 });
  });

  it('lets admins call the internal service too', async () => {
    const sku = await newProduct(1);
    expect(ok(await reserve(`o-${randomUUID()}`, [{ sku, qty: 1 }], admin)).reservation.status).toBe('RESERVATION_STATUS_RESERVED');
  });

  it('gives 50 racing orders of 1 unit exactly the 10 units in stock', async () => {
    const sku = await newProduct(10);

    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => reserve(`race-${i}-${randomUUID()}`, [{ sku, qty: 1 }])));

    const statuses = outcomes.map((o) => ok(o).reservation.status);
    expect(statuses.filter((s) => s === 'RESERVATION_STATUS_RESERVED')).toHaveLength(10);
    expect(statuses.filter((s) => s === 'RESERVATION_STATUS_REJECTED')).toHaveLength(40);
    expect(await h.units(sku)).toEqual({ stock: 10, reserved: 10 });
  });

  it('writes each change and its reply to the outbox in one transaction, repeats add nothing', async () => {
    const sku = await newProduct(2);
    const orderId = `o-${randomUUID()}`;
    const correlationId = `corr-${randomUUID()}`;
    ok(await h.grpc.call('Reserve', { orderId, items: [{ sku, qty: 1 }] }, { token: service, correlationId }));
    ok(await h.grpc.call('Reserve', { orderId, items: [{ sku, qty: 1 }] }, { token: service }));
    ok(await h.grpc.call('Commit', { orderId }, { token: service }));

    const rows = await h.outbox(orderId);
    expect(rows.map((r) => [r.exchange, r.routing_key, r.payload.status])).toEqual([
      ['oms.replies', 'inventory.reserve.result', 'RESERVATION_STATUS_RESERVED'],
      ['oms.replies', 'inventory.commit.result', 'RESERVATION_STATUS_COMMITTED'],
    ]);
    expect(rows[0]!.payload).toEqual({ orderId, status: 'RESERVATION_STATUS_RESERVED', items: [{ sku, qty: 1 }] });
    expect(rows[0]!.headers).toMatchObject({ 'x-correlation-id': correlationId, 'schema-version': '1' });

    const [changed] = await h.outbox(sku);
    expect(changed).toMatchObject({ exchange: 'oms.events', routing_key: 'catalog.product_changed' });
    expect(changed!.payload).toEqual({ sku, name: `Product ${sku}`, price: { currency: 'USD', amountMinor: '1250' }, stock: '2' });
  });
});

describe('gRPC health', () => {
  it('reports oms.v1.InventoryService SERVING', async () => {
    const require = createRequire(import.meta.url);
    const { grpc } = loadPackageDefinition(loadSync(require.resolve('grpc-health-check/proto/health/v1/health.proto'), { keepCase: true, enums: String })) as any;
    const client = new grpc.health.v1.Health(h.running.grpcAddress, credentials.createInsecure());
    const check = (name: string): Promise<any> =>
      new Promise((resolve) => client.Check({ service: name }, (err: any, res: any) => resolve(err ? { code: err.code } : res)));
    expect(await check('oms.v1.InventoryService')).toEqual({ status: 'SERVING' });
    client.close();
  });

  it('serves the HTTP probes without a token', async () => {
    for (const path of ['/health/live', '/health/ready', '/health/startup']) {
      expect((await fetch(`${h.running.httpUrl}${path}`)).status).toBe(200);
    }
  });
});
