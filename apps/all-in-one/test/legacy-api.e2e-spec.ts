import { createHmac, randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import canonicalize from 'canonicalize';
import { AllInOneHarness } from './all-in-one.harness.js';

/**
 * Seed 000's legacy `/api` endpoints in the all-in-one process: the seed's examples, every
 * validation rule, signatures and replays, roles, error discipline, and the same orders as `/v1`.
 */
const SIGNING_SECRET = 'legacy-e2e-signing-secret-0123456789';
const CUSTOMER = '123456';

// Orders are reserved and paid by the saga within the test; polling for that takes a few seconds on a busy machine.
jest.setTimeout(30_000);

let h: AllInOneHarness;
let customer: string;
let mallory: string;
let service: string;
let admin: string;

beforeAll(async () => {
  // One customer token polls its orders many times a minute here: no rate limit.
  h = await AllInOneHarness.start({ OMS_SIGNING_SECRET: SIGNING_SECRET, OMS_PAYMENT_WAIT_MS: '10000', OMS_RATE_LIMIT_PER_MINUTE: '0' });
  [customer, mallory, service, admin] = await Promise.all([
    h.token(CUSTOMER),
    h.token('mallory'),
    h.token('inventory-caller', ['service']),
    h.token('root', ['admin']),
  ]);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

type Json = Record<string, any>;

/** The signature of CONTRACT section 4, computed independently of the server's code. */
function sign(body: Json, secret = SIGNING_SECRET): Json {
  const { signature: _drop, ...rest } = body;
  return { ...rest, signature: createHmac('sha256', secret).update(canonicalize(rest)!).digest('hex') };
}

async function post(
  path: string,
  body: unknown,
  options: { token?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${h.running.httpUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: options.raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** The seed's create request, as written, with a real token. */
const seedOrder = (token: string, extra: Json = {}): Json => ({
  userId: CUSTOMER,
  token,
  orderAmount: 100.5,
  items: [
    { productId: 'P001', quantity: 2 },
    { productId: 'P002', quantity: 1 },
  ],
  ...extra,
});

const seedPayment = (orderId: string, cardNumber = '4111111111111111', extra: Json = {}): Json => ({
  orderId,
  userId: CUSTOMER,
  paymentAmount: 100.5,
  paymentMethod: 'credit_card',
  paymentDetails: { cardNumber, expiryDate: '12/39', cvv: '123' },
  ...extra,
});

/** A new order: an extra field makes the signed body (and so the replay key) differ from the others. */
async function createLegacy(extra: Json = {}, token = customer): Promise<string> {
  const created = await post('/api/orders/create', sign(seedOrder(token, { requestId: randomUUID(), ...extra })));
  expect(created).toEqual({ status: 200, body: expect.objectContaining({ code: 200 }) });
  return created.body.orderId;
}

async function reservedLegacyOrder(): Promise<string> {
  const id = await createLegacy();
  await h.until(id, customer, (o) => o.status === 'ORDER_STATUS_RESERVED');
  return id;
}

async function reservedOf(sku: string): Promise<number> {
  const { body } = await h.call('GET', `/v1/products/${sku}`, admin);
  return Number(body.product.reserved ?? 0);
}

async function ordersOf(customerId: string): Promise<number> {
  const { rows } = await h.sql.query(`SELECT count(*)::int AS n FROM order_service.orders WHERE customer_id = $1`, [customerId]);
  return rows[0].n;
}

describe('the seed 000 examples', () => {
  let orderId: string;

  it('create: the seed request, with a valid token and signature, answers pending', async () => {
    const created = await post('/api/orders/create', sign(seedOrder(customer)));
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ code: 200, message: 'Order created successfully', orderId: expect.any(String), status: 'pending' });
    orderId = created.body.orderId;

    // The same order as /v1's, reserved by the saga.
    const order = await h.until(orderId, customer, (o) => o.status === 'ORDER_STATUS_RESERVED');
    expect(order).toMatchObject({ customerId: CUSTOMER, amount: { currency: 'USD', amountMinor: '10050' } });
  });

  it('inventory lock: a fresh orderId is locked (service token)', async () => {
    const locked = await post(
      '/api/inventory/lock',
      { orderId: `ORD${randomUUID()}`, items: [{ productId: 'P001', quantity: 2 }, { productId: 'P002', quantity: 1 }] },
      { token: service },
    );
    expect(locked).toEqual({ status: 200, body: { code: 200, message: 'Inventory locked successfully', locked: true } });
  });

  it('inventory lock: the created order, already reserved by its saga, is the same lock and deducts nothing more', async () => {
    const before = [await reservedOf('P001'), await reservedOf('P002')];
    const body = { orderId, items: [{ productId: 'P001', quantity: 2 }, { productId: 'P002', quantity: 1 }] };
    for (let i = 0; i < 2; i++) {
      const locked = await post('/api/inventory/lock', body, { token: service });
      expect(locked).toEqual({ status: 200, body: { code: 200, message: 'Inventory locked successfully', locked: true } });
    }
    expect([await reservedOf('P001'), await reservedOf('P002')]).toEqual(before);
  });

  it('payment: 4111111111111111 completes with the gateway transaction id', async () => {
    const paid = await post('/api/payment/process', seedPayment(orderId), { token: customer });
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({ code: 200, message: 'Payment successful', paymentStatus: 'completed', transactionId: expect.any(String) });
    expect(paid.body.transactionId).not.toBe('');
    const order = await h.until(orderId, customer, (o) => o.status === 'ORDER_STATUS_CONFIRMED');
    expect(order.payment).toMatchObject({ status: 'PAYMENT_STATUS_CAPTURED', transactionId: paid.body.transactionId, cardLast4: '1111' });
  });

  it('payment: the failure example (4000000000009995) answers exactly the seed failure', async () => {
    const id = await reservedLegacyOrder();
    const failed = await post('/api/payment/process', seedPayment(id, '4000000000009995'), { token: customer });
    expect(failed).toEqual({ status: 400, body: { code: 400, message: 'Payment failed due to insufficient funds', paymentStatus: 'failed' } });
    // The order stays payable, as with /v1.
    const retried = await post('/api/payment/process', seedPayment(id), { token: customer });
    expect(retried.body).toMatchObject({ code: 200, paymentStatus: 'completed' });
  });

  it('payment: a declined card has its own precise message', async () => {
    const id = await reservedLegacyOrder();
    const declined = await post('/api/payment/process', seedPayment(id, '4000000000000002'), { token: customer });
    expect(declined).toEqual({
      status: 400,
      body: { code: 400, message: 'Payment failed because the card was declined', paymentStatus: 'failed' },
    });
  });

  it('inventory lock: the failure example answers exactly the seed failure', async () => {
    const sku = `L${randomUUID().slice(0, 8)}`;
    const put = await h.call('PUT', `/v1/products/${sku}`, admin, { name: sku, price: { currency: 'USD', amountMinor: '100' }, stock: 1 });
    expect(put.status).toBe(200);
    const body = { orderId: `ORD${randomUUID()}`, items: [{ productId: sku, quantity: 2 }] };
    const failed = await post('/api/inventory/lock', body, { token: service });
    expect(failed).toEqual({ status: 400, body: { code: 400, message: 'Insufficient inventory', locked: false } });
    // Idempotent per orderId: the same request answers the same.
    expect(await post('/api/inventory/lock', body, { token: service })).toEqual(failed);
    expect(await reservedOf(sku)).toBe(0);
  });
});

describe('POST /api/orders/create: the seed rules, one violation at a time', () => {
  const rejected = async (body: Json): Promise<{ status: number; body: Json }> => post('/api/orders/create', sign(body));
  const items = (...list: Json[]): Json => ({ items: list });

  it.each<[string, Json, string]>([
    ['a negative amount', { orderAmount: -1 }, 'orderAmount must not be negative'],
    ['an amount with 3 decimals', { orderAmount: 100.505 }, 'orderAmount must have at most 2 decimal places'],
    ['an amount that is a string', { orderAmount: '100.50' }, 'orderAmount must be a number'],
    ['an invalid productId', items({ productId: 'NOPE', quantity: 1 }), 'items[0].productId NOPE is not a valid product (not in the catalog)'],
    ['quantity 0', items({ productId: 'P001', quantity: 0 }), 'items[0].quantity must be a positive integer'],
    ['quantity -1', items({ productId: 'P001', quantity: -1 }), 'items[0].quantity must be a positive integer'],
    ['quantity 1.5', items({ productId: 'P001', quantity: 1.5 }), 'items[0].quantity must be a positive integer'],
    ['quantity "2"', items({ productId: 'P001', quantity: '2' }), 'items[0].quantity must be a positive integer'],
    ['quantity 10001', items({ productId: 'P001', quantity: 10_001 }), 'items[0].quantity must be at most 10000'],
    ['an amount other than the total', { orderAmount: 99.99 }, 'orderAmount 99.99 does not equal the order total (catalog price × quantity) 100.50 USD'],
    ['missing items', { items: undefined }, 'items is required: a list of {productId, quantity}'],
    ['no items', { items: [] }, 'items must contain at least 1 item'],
    [
      'a duplicate productId',
      items({ productId: 'P001', quantity: 1 }, { productId: 'P001', quantity: 1 }),
      'items[1].productId P001 appears more than once; list each product once with its total quantity',
    ],
    ['a missing userId', { userId: undefined }, 'userId is required'],
  ])('%s: 400 naming the field', async (_case, change, message) => {
    const before = await ordersOf(CUSTOMER);
    const answer = await rejected(seedOrder(customer, change));
    expect(answer).toEqual({ status: 400, body: { code: 400, message } });
    expect(await ordersOf(CUSTOMER)).toBe(before);
  });

  it('101 items: 400', async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ productId: `X${i}`, quantity: 1 }));
    expect(await rejected(seedOrder(customer, { items: many }))).toEqual({
      status: 400,
      body: { code: 400, message: 'items must contain at most 100 items' },
    });
  });
});

describe('POST /api/orders/create: token, signature, replay', () => {
  it('a missing signature: 401', async () => {
    const answer = await post('/api/orders/create', seedOrder(customer));
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ code: 401, message: expect.stringContaining('signature is required') });
  });

  it('a wrong signature (other key, tampered body, upper case): 401', async () => {
    const good = sign(seedOrder(customer));
    for (const body of [
      sign(seedOrder(customer), 'another-secret-of-enough-length'),
      { ...good, orderAmount: 0 },
      { ...good, signature: good.signature.toUpperCase() },
    ]) {
      const answer = await post('/api/orders/create', body);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ code: 401, message: expect.stringMatching(/^signature /) });
    }
  });

  it('a replay within 24 h answers the first response and creates exactly one order', async () => {
    const sub = `replayer-${randomUUID().slice(0, 8)}`;
    const token = await h.token(sub);
    const body = sign(seedOrder(token, { userId: sub }));
    const first = await post('/api/orders/create', body);
    expect(first.status).toBe(200);
    await h.until(first.body.orderId, token, (o) => o.status === 'ORDER_STATUS_RESERVED');
    const again = await Promise.all([post('/api/orders/create', body), post('/api/orders/create', body)]);
    expect(again).toEqual([first, first]);
    expect(await ordersOf(sub)).toBe(1);
  });

  it('a replayed refusal is the same refusal', async () => {
    const body = sign(seedOrder(customer, { orderAmount: 1 }));
    const first = await post('/api/orders/create', body);
    expect(first.status).toBe(400);
    expect(await post('/api/orders/create', body)).toEqual(first);
  });

  it('userId other than the token sub: 403; an admin may create for anyone', async () => {
    const answer = await post('/api/orders/create', sign(seedOrder(mallory)));
    expect(answer).toEqual({ status: 403, body: { code: 403, message: `userId ${CUSTOMER} is not the authenticated user (the token's sub)` } });
    const forCustomer = await createLegacy({}, admin);
    expect((await h.call('GET', `/v1/orders/${forCustomer}`, customer)).body.order.customerId).toBe(CUSTOMER);
  });

  it('the token may come as a bearer header instead; both must agree', async () => {
    const { token: _none, ...withoutToken } = seedOrder(customer);
    const viaHeader = await post('/api/orders/create', sign(withoutToken), { token: customer });
    expect(viaHeader.body).toMatchObject({ code: 200, status: 'pending' });
    const differ = await post('/api/orders/create', sign(seedOrder(customer)), { token: await h.token(CUSTOMER, ['admin']) });
    expect(differ).toEqual({ status: 401, body: { code: 401, message: expect.stringContaining('differ') } });
  });

  it('no token, an expired one or a forged one: 401', async () => {
    const { token: _none, ...withoutToken } = seedOrder(customer);
    expect((await post('/api/orders/create', sign(withoutToken))).body).toEqual({ code: 401, message: expect.stringContaining('token is required') });
    const forged = `${customer.slice(0, -4)}AAAA`;
    const answer = await post('/api/orders/create', sign(seedOrder(forged)));
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe(401);
  });
});

describe('POST /api/payment/process: rules', () => {
  it('an amount other than the order amount: 400, nothing started', async () => {
    const id = await reservedLegacyOrder();
    const answer = await post('/api/payment/process', seedPayment(id, undefined, { paymentAmount: 100 }), { token: customer });
    expect(answer).toEqual({
      status: 400,
      body: { code: 400, message: 'paymentAmount 100 does not equal the order amount 100.50 USD', paymentStatus: 'failed' },
    });
    expect((await h.call('GET', `/v1/orders/${id}`, customer)).body.order.payment).toBeUndefined();
  });

  it('userId other than the token sub: 403; another customer’s order: 404 (as on /v1); unknown order: 404', async () => {
    const id = await reservedLegacyOrder();
    expect((await post('/api/payment/process', seedPayment(id), { token: mallory })).status).toBe(403);
    const foreign = await post('/api/payment/process', seedPayment(id, undefined, { userId: 'mallory' }), { token: mallory });
    expect(foreign).toEqual({ status: 404, body: { code: 404, message: `order ${id} not found`, paymentStatus: 'failed' } });
    expect((await post('/api/payment/process', seedPayment('no-such-order'), { token: customer })).status).toBe(404);
  });

  it('an order that is not payable: 409 with its status', async () => {
    const id = await reservedLegacyOrder();
    expect((await h.call('POST', `/v1/orders/${id}:cancel`, customer, { reason: 'test' })).status).toBe(200);
    const answer = await post('/api/payment/process', seedPayment(id), { token: customer });
    expect(answer).toEqual({
      status: 409,
      body: { code: 409, message: `Order ${id} is CANCELED; only a RESERVED order can be paid`, paymentStatus: 'failed' },
    });
  });

  it('card checks and missing fields: 400 naming the field, never echoing the card', async () => {
    const id = await reservedLegacyOrder();
    const expired = await post('/api/payment/process', seedPayment(id, '4111111111111111', { paymentDetails: { cardNumber: '4111111111111111', expiryDate: '12/25', cvv: '123' } }), { token: customer });
    expect(expired).toEqual({ status: 400, body: { code: 400, message: 'paymentDetails.expiryDate: the card has expired', paymentStatus: 'failed' } });
    const noDetails = await post('/api/payment/process', seedPayment(id, undefined, { paymentDetails: undefined }), { token: customer });
    expect(noDetails.body).toEqual({ code: 400, message: 'paymentDetails is required: {cardNumber, expiryDate, cvv}', paymentStatus: 'failed' });
    const badCard = await post('/api/payment/process', seedPayment(id, '4111111111111112'), { token: customer });
    expect(badCard.body.message).toBe('paymentDetails.cardNumber: is not a valid card number');
    expect(JSON.stringify(badCard.body)).not.toContain('4111111111111112');
  });

  it('honours Idempotency-Key like /v1: the repeat answers the same, one payment', async () => {
    const id = await reservedLegacyOrder();
    const key = { 'idempotency-key': `legacy-pay-${randomUUID()}` };
    const first = await post('/api/payment/process', seedPayment(id), { token: customer, headers: key });
    expect(first.body).toMatchObject({ code: 200, paymentStatus: 'completed' });
    expect(await post('/api/payment/process', seedPayment(id), { token: customer, headers: key })).toEqual(first);
  });
});

describe('POST /api/inventory/lock: roles and conflicts', () => {
  const lockBody = (orderId = `ORD${randomUUID()}`): Json => ({ orderId, items: [{ productId: 'P003', quantity: 1 }] });

  it('a customer token: 403; no token: 401; both with locked:false', async () => {
    expect(await post('/api/inventory/lock', lockBody(), { token: customer })).toEqual({
      status: 403,
      body: { code: 403, message: 'requires role service or admin', locked: false },
    });
    const none = await post('/api/inventory/lock', lockBody());
    expect(none).toEqual({ status: 401, body: { code: 401, message: expect.any(String), locked: false } });
  });

  it('the same orderId with other items: 409 naming the orderId', async () => {
    const body = lockBody();
    expect((await post('/api/inventory/lock', body, { token: service })).status).toBe(200);
    const other = await post('/api/inventory/lock', { ...body, items: [{ productId: 'P003', quantity: 2 }] }, { token: service });
    expect(other).toEqual({
      status: 409,
      body: { code: 409, message: `orderId ${body.orderId} already locked inventory for other items; a repeated lock must list the same items`, locked: false },
    });
  });

  it('an unknown productId: 400 with locked:false, and nothing is held for the order', async () => {
    const body = { orderId: `ORD${randomUUID()}`, items: [{ productId: 'P003', quantity: 1 }, { productId: 'NOPE', quantity: 1 }] };
    expect(await post('/api/inventory/lock', body, { token: service })).toEqual({
      status: 400,
      body: { code: 400, message: 'items[1].productId NOPE is not a known product', locked: false },
    });
    const fixed = await post('/api/inventory/lock', { ...body, items: [{ productId: 'P003', quantity: 1 }] }, { token: service });
    expect(fixed.body.locked).toBe(true);
  });

  it('an invalid quantity: 400 naming the field', async () => {
    const answer = await post('/api/inventory/lock', { orderId: 'x', items: [{ productId: 'P003', quantity: '2' }] }, { token: service });
    expect(answer).toEqual({ status: 400, body: { code: 400, message: 'items[0].quantity must be a positive integer', locked: false } });
  });
});

describe('error discipline of every /api route', () => {
  const routes: [string, Json][] = [
    ['/api/orders/create', {}],
    ['/api/payment/process', { paymentStatus: 'failed' }],
    ['/api/inventory/lock', { locked: false }],
  ];

  it.each(routes)('%s: malformed JSON 400, wrong content type 415, oversized 413, a JSON array 400', async (path, extra) => {
    const token = path.includes('inventory') ? service : customer;
    const malformed = await post(path, undefined, { token, raw: '{"items": [' });
    expect(malformed).toEqual({ status: 400, body: { code: 400, message: 'the request body is not valid JSON', ...extra } });
    const xml = await post(path, undefined, { token, raw: '<order/>', headers: { 'content-type': 'application/xml' } });
    expect(xml).toEqual({ status: 415, body: { code: 415, message: expect.stringContaining('application/json'), ...extra } });
    const big = await post(path, undefined, { token, raw: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) });
    expect(big).toEqual({ status: 413, body: { code: 413, message: expect.stringContaining('exceeds'), ...extra } });
    const list = await post(path, [1, 2], { token });
    expect(list.body.code).toBe(list.status);
    expect([400, 401]).toContain(list.status);
    expect(list.body).toEqual({ code: list.status, message: expect.any(String), ...extra });
  });

  it.each(routes)('%s: status always equals code, no stack traces or SQL', async (path, extra) => {
    const token = path.includes('inventory') ? service : customer;
    for (const body of [{}, { items: 'x', orderAmount: {}, userId: 7 }, { orderId: 1, items: [null] }, { paymentDetails: 'x' }]) {
      const answer = await post(path, body, { token });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.body).toEqual({ code: answer.status, message: expect.any(String), ...extra });
      expect(answer.body.message).not.toMatch(/ at |SELECT|INSERT|stack/);
    }
  });

  it('a payment without a token: 401 with paymentStatus failed', async () => {
    const answer = await post('/api/payment/process', seedPayment('x'));
    expect(answer).toEqual({ status: 401, body: { code: 401, message: 'missing or malformed bearer token', paymentStatus: 'failed' } });
  });

  it('/v1 keeps its AIP-193 errors', async () => {
    const res = await post('/v1/orders', undefined, { token: customer, raw: '{"items": [' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  });
});

describe('the legacy and /v1 APIs act on the same orders', () => {
  it('created via /api: listed, read and canceled via /v1, stock released', async () => {
    const id = await reservedLegacyOrder();
    const listed = await h.call('GET', '/v1/orders?pageSize=100', customer);
    expect(listed.body.orders.map((o: Json) => o.id)).toContain(id);
    const canceled = await h.call('POST', `/v1/orders/${id}:cancel`, customer, { reason: 'changed my mind' });
    expect(canceled.status).toBe(200);
    expect(canceled.body.order.status).toBe('ORDER_STATUS_CANCELED');
  });

  it('created via /v1: paid via /api, then CONFIRMED on /v1', async () => {
    const created = await h.call('POST', '/v1/orders', customer, { items: [{ sku: 'P005', qty: 2 }] });
    expect(created.status).toBe(200);
    const id = created.body.order.id;
    await h.until(id, customer, (o) => o.status === 'ORDER_STATUS_RESERVED');
    const paid = await post('/api/payment/process', seedPayment(id, '4242424242424242', { paymentAmount: 79.98 }), { token: customer });
    expect(paid.body).toMatchObject({ code: 200, message: 'Payment successful', paymentStatus: 'completed' });
    await h.until(id, customer, (o) => o.status === 'ORDER_STATUS_CONFIRMED');
  });
});
