import { randomUUID } from 'node:crypto';
import { AllInOneHarness } from './all-in-one.harness.js';

/** Every flow of the order saga, through the public API of the all-in-one process. */
let h: AllInOneHarness;
let alice: string;
let admin: string;

beforeAll(async () => {
  // The suite polls one customer's orders every 50 ms: far beyond any customer's rate limit (tested on its own).
  h = await AllInOneHarness.start({ OMS_RATE_LIMIT_PER_MINUTE: '0' });
  [alice, admin] = await Promise.all([h.token('alice'), h.token('root', ['admin'])]);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const card = (cardNumber: string) => ({ paymentMethod: 'credit_card', paymentDetails: { cardNumber, expiryDate: '12/39', cvv: '123' } });

async function product(sku: string, stock: number, priceMinor = '1000'): Promise<void> {
  const res = await h.call('PUT', `/v1/products/${sku}`, admin, { name: sku, price: { currency: 'USD', amountMinor: priceMinor }, stock });
  expect(res.status).toBe(200);
}

async function stockOf(sku: string): Promise<{ stock: number; reserved: number }> {
  const { body } = await h.call('GET', `/v1/products/${sku}`, admin);
  return { stock: Number(body.product.stock ?? 0), reserved: Number(body.product.reserved ?? 0) };
}

/** A product known to order-service's catalog replica (it arrives by event). */
async function freshProduct(stock: number): Promise<string> {
  const sku = `T${randomUUID().slice(0, 8)}`;
  await product(sku, stock);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { rows } = await h.sql.query(`SELECT 1 FROM order_service.catalog_products WHERE sku = $1`, [sku]);
    if (rows.length > 0) return sku;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${sku} never reached the order catalog`);
}

async function reservedOrder(sku: string, qty = 1): Promise<string> {
  const created = await h.call('POST', '/v1/orders', alice, { items: [{ sku, qty }] });
  expect(created.status).toBe(200);
  await h.until(created.body.order.id, alice, (o) => o.status === 'ORDER_STATUS_RESERVED');
  return created.body.order.id;
}

describe('the order saga in the all-in-one process', () => {
  it('create -> RESERVED -> pay -> CONFIRMED, stock committed', async () => {
    const sku = await freshProduct(5);
    const id = await reservedOrder(sku, 2);
    expect(await stockOf(sku)).toEqual({ stock: 5, reserved: 2 });

    const paid = await h.call('POST', `/v1/orders/${id}:pay`, alice, card('4111111111111111'));
    expect(paid.status).toBe(200);
    expect(paid.body.payment).toMatchObject({ status: 'PAYMENT_STATUS_CAPTURED', cardLast4: '1111' });
    expect(['ORDER_STATUS_PAID', 'ORDER_STATUS_CONFIRMED']).toContain(paid.body.order.status);

    await h.until(id, alice, (o) => o.status === 'ORDER_STATUS_CONFIRMED');
    await expectStock(sku, { stock: 3, reserved: 0 });
  });

  it('insufficient stock cancels with INSUFFICIENT_STOCK', async () => {
    const sku = await freshProduct(1);
    const created = await h.call('POST', '/v1/orders', alice, { items: [{ sku, qty: 2 }] });
    const order = await h.until(created.body.order.id, alice, (o) => o.status === 'ORDER_STATUS_CANCELED');
    expect(order.statusReason).toBe('INSUFFICIENT_STOCK');
    expect(await stockOf(sku)).toEqual({ stock: 1, reserved: 0 });
  });

  it.each([
    ['4000000000000002', 'PAYMENT_DECLINED'],
    ['4000000000009995', 'INSUFFICIENT_FUNDS'],
  ])('a declined card (%s) is FAILED_PRECONDITION %s; the order stays RESERVED and can be paid again', async (number, reason) => {
    const sku = await freshProduct(3);
    const id = await reservedOrder(sku);
    const declined = await h.call('POST', `/v1/orders/${id}:pay`, alice, card(number));
    expect(declined.status).toBe(400);
    expect(declined.body.error).toMatchObject({ status: 'FAILED_PRECONDITION' });
    expect(declined.body.error.details[0]).toMatchObject({ reason });
    const order = await h.until(id, alice, () => true);
    expect(order.status).toBe('ORDER_STATUS_RESERVED');

    const retried = await h.call('POST', `/v1/orders/${id}:pay`, alice, card('4242424242424242'));
    expect(retried.status).toBe(200);
    await h.until(id, alice, (o) => o.status === 'ORDER_STATUS_CONFIRMED');
  });

  it('a transient gateway error on the first attempt still ends CONFIRMED', async () => {
    const sku = await freshProduct(3);
    const id = await reservedOrder(sku);
    const paid = await h.call('POST', `/v1/orders/${id}:pay`, alice, card('4000000000000119'));
    expect(paid.status).toBe(200);
    await h.until(id, alice, (o) => o.status === 'ORDER_STATUS_CONFIRMED');
  });

  it('a capture failure voids the hold, releases the stock and cancels with CAPTURE_FAILED', async () => {
    const sku = await freshProduct(3);
    const id = await reservedOrder(sku);
    await h.call('POST', `/v1/orders/${id}:pay`, alice, card('4000000000000341'));
    const order = await h.until(id, alice, (o) => o.status === 'ORDER_STATUS_CANCELED');
    expect(order.statusReason).toBe('CAPTURE_FAILED');
    await expectStock(sku, { stock: 3, reserved: 0 });
    await expectPayment(id, 'VOIDED');
  });

  it('cancel of a RESERVED order releases the stock', async () => {
    const sku = await freshProduct(2);
    const id = await reservedOrder(sku, 2);
    const canceled = await h.call('POST', `/v1/orders/${id}:cancel`, alice, { reason: 'changed my mind' });
    expect(canceled.status).toBe(200);
    expect(canceled.body.order.status).toBe('ORDER_STATUS_CANCELED');
    await expectStock(sku, { stock: 2, reserved: 0 });
  });

  it('refund of a CONFIRMED order refunds the money and returns the stock', async () => {
    const sku = await freshProduct(4);
    const id = await reservedOrder(sku, 3);
    await h.call('POST', `/v1/orders/${id}:pay`, alice, card('4111111111111111'));
    await h.until(id, alice, (o) => o.status === 'ORDER_STATUS_CONFIRMED');
    await expectStock(sku, { stock: 1, reserved: 0 });

    const refunded = await h.call('POST', `/v1/orders/${id}:refund`, alice, { reason: 'damaged' });
    expect(refunded.status).toBe(200);
    expect(refunded.body.order.status).toBe('ORDER_STATUS_REFUNDED');
    await expectStock(sku, { stock: 4, reserved: 0 });
    await expectPayment(id, 'REFUNDED');
  });

  it('fifty concurrent orders for a sku with stock 10: exactly 10 are RESERVED', async () => {
    const sku = await freshProduct(10);
    const created = await Promise.all(
      Array.from({ length: 50 }, () => h.call('POST', '/v1/orders', alice, { items: [{ sku, qty: 1 }] })),
    );
    const ids = created.map((c) => c.body.order.id as string);
    const finals = await Promise.all(
      ids.map((id) => h.until(id, alice, (o) => o.status !== 'ORDER_STATUS_PENDING', 30_000)),
    );
    expect(finals.filter((o) => o.status === 'ORDER_STATUS_RESERVED')).toHaveLength(10);
    expect(finals.filter((o) => o.status === 'ORDER_STATUS_CANCELED' && o.statusReason === 'INSUFFICIENT_STOCK')).toHaveLength(40);
    expect(await stockOf(sku)).toEqual({ stock: 10, reserved: 10 });
  }, 60_000);
});

async function expectStock(sku: string, expected: { stock: number; reserved: number }): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = await stockOf(sku);
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    last = await stockOf(sku);
  }
  expect(last).toEqual(expected);
}

async function expectPayment(orderId: string, status: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let rows: { status: string }[] = [];
  while (Date.now() < deadline) {
    ({ rows } = await h.sql.query(`SELECT status FROM payment_service.payments WHERE order_id = $1`, [orderId]));
    if (rows.some((r) => r.status === status)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(rows.map((r) => r.status)).toContain(status);
}
