import { randomUUID } from 'node:crypto';
import { expectAip193, SecurityApp, type GrpcAnswer, type RestAnswer } from './support.js';

/**
 * Broken object-level authorization: customer B (bob) cannot read, list, pay, cancel or refund
 * customer A's (alice's) orders by any route: REST /v1, gRPC OrderService, the legacy /api, or
 * the internal services. Another customer's order answers exactly like a missing one (NOT_FOUND,
 * CONTRACT section 1), naming another customer is PERMISSION_DENIED, and alice's orders, payments
 * and reservations are unchanged afterwards.
 */
let app: SecurityApp;
let alice: string;
let bob: string;
let admin: string;
let reserved: string;
let confirmed: string;
const card = { cardNumber: '4242424242424242', expiryDate: '12/39', cvv: '123' };

beforeAll(async () => {
  app = await SecurityApp.start();
  [alice, bob, admin] = await Promise.all([app.token('alice'), app.token('bob'), app.token('root', ['admin'])]);
  reserved = await app.reservedOrder(alice);
  confirmed = await app.confirmedOrder(alice);
  await app.reservedOrder(bob);
  initial = await aliceState();
}, 90_000);

afterAll(async () => {
  await app?.stop();
});

/** Everything of alice's two orders that an attack could change, once background work has settled. */
async function aliceState(): Promise<unknown> {
  const ids = [reserved, confirmed];
  const q = async (sql: string): Promise<unknown[]> => (await app.sql.query(sql, [ids])).rows;
  const read = async (): Promise<unknown> => ({
    orders: await q(`SELECT id, customer_id, status, status_reason, version, payment, update_time FROM order_service.orders WHERE id::text = ANY($1) ORDER BY id`),
    sagas: await q(`SELECT * FROM order_service.order_sagas WHERE order_id::text = ANY($1) ORDER BY order_id`),
    payments: await q(`SELECT * FROM payment_service.payments WHERE order_id = ANY($1) ORDER BY id`),
    reservations: await q(`SELECT * FROM inventory_service.reservations WHERE order_id = ANY($1) ORDER BY order_id`),
  });
  for (let previous = await read(); ; ) {
    await new Promise((r) => setTimeout(r, 300));
    const next = await read();
    if (JSON.stringify(next) === JSON.stringify(previous)) return next;
    previous = next;
  }
}

let initial: unknown;

const notFoundRest = (a: RestAnswer): void => expectAip193(a, 404, 'NOT_FOUND');
const status = (a: GrpcAnswer): string => a.status;

describe('REST /v1', () => {
  it('GetOrder: NOT_FOUND, exactly like an order that does not exist', async () => {
    const foreign = await app.rest('GET', `/v1/orders/${reserved}`, { token: bob });
    const missing = await app.rest('GET', `/v1/orders/${randomUUID()}`, { token: bob });
    notFoundRest(foreign);
    notFoundRest(missing);
    expect(foreign.json.error.details[0].reason).toBe(missing.json.error.details[0].reason);
  });

  it('ListOrders: only bob’s orders, with any filter; naming alice is PERMISSION_DENIED; alice’s page token is INVALID_ARGUMENT', async () => {
    for (const query of ['', '?status=ORDER_STATUS_RESERVED', '?status=ORDER_STATUS_CONFIRMED', '?pageSize=100', '?customerId=bob']) {
      const list = await app.rest('GET', `/v1/orders${query}`, { token: bob });
      expect(list.status).toBe(200);
      for (const order of list.json.orders ?? []) expect(order.customerId).toBe('bob');
    }
    expectAip193(await app.rest('GET', '/v1/orders?customerId=alice', { token: bob }), 403, 'PERMISSION_DENIED');
    expectAip193(await app.rest('GET', '/v1/orders?customer_id=alice', { token: bob }), 403, 'PERMISSION_DENIED');
    const page = await app.rest('GET', '/v1/orders?pageSize=1', { token: alice });
    expect(page.json.nextPageToken).toBeTruthy();
    expectAip193(await app.rest('GET', `/v1/orders?pageSize=1&pageToken=${encodeURIComponent(page.json.nextPageToken)}`, { token: bob }), 400, 'INVALID_ARGUMENT');
  });

  it('PayOrder, CancelOrder, RefundOrder: NOT_FOUND, also with an expected version (which would tell existence apart)', async () => {
    notFoundRest(await app.rest('POST', `/v1/orders/${reserved}:pay`, { token: bob, body: { paymentMethod: 'credit_card', paymentDetails: card } }));
    notFoundRest(await app.rest('POST', `/v1/orders/${reserved}:cancel`, { token: bob, body: { reason: 'mine' } }));
    notFoundRest(await app.rest('POST', `/v1/orders/${reserved}:cancel`, { token: bob, body: { reason: 'mine', expectedVersion: '99' } }));
    notFoundRest(await app.rest('POST', `/v1/orders/${confirmed}:refund`, { token: bob, body: { reason: 'mine' } }));
    notFoundRest(await app.rest('POST', `/v1/orders/${confirmed}:refund`, { token: bob, body: { reason: 'mine', expectedVersion: '1' } }));
  });

  it('CreateOrder for alice is PERMISSION_DENIED; alice’s idempotency key gives bob nothing of hers', async () => {
    expectAip193(await app.rest('POST', '/v1/orders', { token: bob, body: { customerId: 'alice', items: [{ sku: 'P001', qty: 1 }] } }), 403, 'PERMISSION_DENIED');
    const key = `shared-${randomUUID()}`;
    const body = { items: [{ sku: 'P002', qty: 1 }] };
    const hers = await app.rest('POST', '/v1/orders', { token: alice, body, headers: { 'idempotency-key': key } });
    const his = await app.rest('POST', '/v1/orders', { token: bob, body, headers: { 'idempotency-key': key } });
    expect(hers.json.order.customerId).toBe('alice');
    expect(his.json.order.customerId).toBe('bob');
    expect(his.json.order.id).not.toBe(hers.json.order.id);
    await app.settle(hers.json.order.id, 'RESERVED');
    await app.settle(his.json.order.id, 'RESERVED');
  });
});

describe('gRPC OrderService', () => {
  it('GetOrder, PayOrder, CancelOrder, RefundOrder of alice’s orders: NOT_FOUND', async () => {
    const as = { token: bob };
    expect(status(await app.grpc('OrderService', 'GetOrder', { id: reserved }, as))).toBe('NOT_FOUND');
    expect(status(await app.grpc('OrderService', 'PayOrder', { id: reserved, paymentMethod: 'credit_card', paymentDetails: card }, as))).toBe('NOT_FOUND');
    expect(status(await app.grpc('OrderService', 'CancelOrder', { id: reserved, reason: 'mine' }, as))).toBe('NOT_FOUND');
    expect(status(await app.grpc('OrderService', 'CancelOrder', { id: reserved, reason: 'mine', expectedVersion: '42' }, as))).toBe('NOT_FOUND');
    expect(status(await app.grpc('OrderService', 'RefundOrder', { id: confirmed, reason: 'mine' }, as))).toBe('NOT_FOUND');
  });

  it('ListOrders: only bob’s; customer_id alice is PERMISSION_DENIED; alice’s page token INVALID_ARGUMENT', async () => {
    const list = await app.grpc('OrderService', 'ListOrders', { pageSize: 100 }, { token: bob });
    expect(list.status).toBe('OK');
    expect(list.body.orders.length).toBeGreaterThan(0);
    for (const order of list.body.orders) expect(order.customerId).toBe('bob');
    expect(status(await app.grpc('OrderService', 'ListOrders', { customerId: 'alice' }, { token: bob }))).toBe('PERMISSION_DENIED');
    const page = await app.grpc('OrderService', 'ListOrders', { pageSize: 1 }, { token: alice });
    expect(status(await app.grpc('OrderService', 'ListOrders', { pageSize: 1, pageToken: page.body.nextPageToken }, { token: bob }))).toBe('INVALID_ARGUMENT');
  });

  it('CreateOrder for alice: PERMISSION_DENIED', async () => {
    expect(status(await app.grpc('OrderService', 'CreateOrder', { customerId: 'alice', items: [{ sku: 'P001', qty: 1 }] }, { token: bob }))).toBe('PERMISSION_DENIED');
  });
});

describe('internal services and the legacy API', () => {
  it('a customer cannot reach alice’s payment or reservation through the internal services: PERMISSION_DENIED', async () => {
    for (const [service, method] of [
      ['PaymentService', 'GetPayment'],
      ['PaymentService', 'Capture'],
      ['PaymentService', 'Void'],
      ['PaymentService', 'Refund'],
      ['InventoryService', 'Release'],
      ['InventoryService', 'Commit'],
    ] as const) {
      expect({ method, status: status(await app.grpc(service, method, { orderId: confirmed }, { token: bob })) }).toEqual({ method, status: 'PERMISSION_DENIED' });
    }
  });

  it('POST /api/payment/process for alice’s order: 404 as bob, 403 naming alice', async () => {
    expect(app.running.app.getHttpAdapter().getInstance().hasRoute({ method: 'POST', url: '/api/payment/process' })).toBe(true);
    const request = { orderId: reserved, paymentAmount: 33.5, paymentMethod: 'credit_card', paymentDetails: card };
    const asBob = await app.rest('POST', '/api/payment/process', { token: bob, body: { ...request, userId: 'bob' } });
    expect({ status: asBob.status, code: asBob.json?.code, paymentStatus: asBob.json?.paymentStatus }).toEqual({ status: 404, code: 404, paymentStatus: 'failed' });
    const namingAlice = await app.rest('POST', '/api/payment/process', { token: bob, body: { ...request, userId: 'alice' } });
    expect({ status: namingAlice.status, code: namingAlice.json?.code }).toEqual({ status: 403, code: 403 });
  });
});

it('alice’s orders, payments, reservations and sagas are exactly as before; an admin still sees them', async () => {
  const after = (await aliceState()) as { orders: { status: string }[]; payments: unknown[]; reservations: unknown[] };
  expect(after).toEqual(initial);
  expect(after.orders.map((o) => o.status).sort()).toEqual(['CONFIRMED', 'RESERVED']);
  expect(after.payments.length).toBeGreaterThan(0);
  expect(after.reservations.length).toBe(2);
  expect((await app.rest('GET', `/v1/orders/${reserved}`, { token: admin })).status).toBe(200);
});
