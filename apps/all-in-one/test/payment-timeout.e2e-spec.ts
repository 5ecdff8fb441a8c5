import { AllInOneHarness } from './all-in-one.harness.js';

/** A RESERVED order nobody pays is canceled with PAYMENT_TIMEOUT and its stock released. */
let h: AllInOneHarness;

beforeAll(async () => {
  h = await AllInOneHarness.start({ OMS_ORDER_PAYMENT_TIMEOUT_SECONDS: '1' });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

it('cancels an unpaid order after OMS_ORDER_PAYMENT_TIMEOUT_SECONDS and releases its stock', async () => {
  const alice = await h.token('alice');
  const admin = await h.token('root', ['admin']);
  const created = await h.call('POST', '/v1/orders', alice, { items: [{ sku: 'P003', qty: 4 }] });
  await h.until(created.body.order.id, alice, (o) => o.status === 'ORDER_STATUS_RESERVED');
  expect((await h.call('GET', '/v1/products/P003', admin)).body.product.reserved).toBe('4');

  const order = await h.until(created.body.order.id, alice, (o) => o.status === 'ORDER_STATUS_CANCELED', 15_000);
  expect(order.statusReason).toBe('PAYMENT_TIMEOUT');
  const deadline = Date.now() + 10_000;
  let reserved: string | undefined = '4';
  while (reserved !== undefined && Date.now() < deadline) {
    reserved = (await h.call('GET', '/v1/products/P003', admin)).body.product.reserved;
    if (reserved !== undefined) await new Promise((r) => setTimeout(r, 50));
  }
  expect(reserved).toBeUndefined(); // proto3 JSON leaves a zero out
  const late = await h.call('POST', `/v1/orders/${order.id}:pay`, alice, {
    paymentMethod: 'credit_card',
    paymentDetails: { cardNumber: '4242424242424242', expiryDate: '12/39', cvv: '123' },
  });
  expect(late.body.error).toMatchObject({ status: 'FAILED_PRECONDITION' });
}, 40_000);
