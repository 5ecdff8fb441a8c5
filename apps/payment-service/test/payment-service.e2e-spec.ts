import { randomUUID } from 'node:crypto';
import { eventually, PaymentServiceHarness } from './support/payment-service.harness.js';

const LATENCY_MS = 200;
let h: PaymentServiceHarness;
let service: string;
let admin: string;
let customer: string;

beforeAll(async () => {
  h = await PaymentServiceHarness.start({ latencyMs: LATENCY_MS });
  [service, admin, customer] = await Promise.all([h.token('order-service', ['service']), h.token('root', ['admin']), h.token('alice')]);
}, 60_000);

afterAll(() => h?.stop());

function holdRequest(card = '4111111111111111', overrides: Record<string, unknown> = {}) {
  return {
    orderId: `order-${randomUUID()}`,
    paymentId: `pay-${randomUUID()}`,
    amount: { currency: 'USD', amountMinor: '10050' },
    paymentMethod: 'credit_card',
    paymentDetails: { cardNumber: card, expiryDate: '12/39', cvv: '123' },
    customerId: 'alice',
    ...overrides,
  };
}

/** Polls GetPayment until the attempt leaves PROCESSING (or the given status), returning it and how long it took. */
async function settled(target: { orderId: string; paymentId: string }, status?: string): Promise<{ payment: Record<string, any>; ms: number }> {
  const started = Date.now();
  const payment = await eventually(async () => {
    const { payment } = await h.grpc.ok('GetPayment', target, { token: service });
    return (status ? payment.status === status : payment.status !== 'PAYMENT_STATUS_PROCESSING') ? payment : undefined;
  }, 5_000, `payment ${target.paymentId} to settle`);
  return { payment, ms: Date.now() - started };
}

async function held(card = '4111111111111111'): Promise<{ orderId: string; paymentId: string }> {
  const request = holdRequest(card);
  await h.grpc.ok('Hold', request, { token: service });
  await settled(request, 'PAYMENT_STATUS_HELD');
  return { orderId: request.orderId, paymentId: request.paymentId };
}

describe('PaymentService over gRPC', () => {
  it('Hold with a service token answers PROCESSING; HELD arrives within the gateway latency', async () => {
    const request = holdRequest();
    const before = Date.now();

    const { payment } = await h.grpc.ok('Hold', request, { token: service });

    expect(payment).toEqual({
      paymentId: request.paymentId,
      orderId: request.orderId,
      status: 'PAYMENT_STATUS_PROCESSING',
      amount: { currency: 'USD', amountMinor: '10050' },
      method: 'credit_card',
      cardBrand: 'visa',
      cardLast4: '1111',
      provider: 'simulated',
      createTime: expect.any(String),
      updateTime: expect.any(String),
    });
    const { payment: settledPayment } = await settled(request);
    const elapsed = Date.now() - before;
    expect(settledPayment).toMatchObject({ status: 'PAYMENT_STATUS_HELD', transactionId: expect.stringMatching(/^txn_/) });
    expect(elapsed).toBeGreaterThanOrEqual(LATENCY_MS - 20);
    expect(elapsed).toBeLessThan(LATENCY_MS + 1_000);
  });

  it('far more concurrent Holds than pool connections all complete (the gateway has a pool of its own)', async () => {
    const requests = Array.from({ length: 40 }, () => holdRequest());
    // As order-service sends them: each in its idempotency key's transaction, holding a connection.
    const answers = await Promise.all(requests.map((r) => h.grpc.ok('Hold', r, { token: service, idempotencyKey: `hold:${r.paymentId}` })));
    expect(answers.map((a) => a.payment.status)).toEqual(requests.map(() => 'PAYMENT_STATUS_PROCESSING'));
    for (const r of requests) await settled(r, 'PAYMENT_STATUS_HELD');
  }, 30_000);

  it('an admin token is accepted too', async () => {
    expect((await h.grpc.ok('Hold', holdRequest(), { token: admin })).payment.status).toBe('PAYMENT_STATUS_PROCESSING');
  });

  it.each(['Hold', 'Capture', 'Void', 'Refund', 'GetPayment'] as const)('%s with a customer token: PERMISSION_DENIED; without a token: UNAUTHENTICATED', async (method) => {
    const request = holdRequest();
    expect(await h.grpc.call(method, request, { token: customer })).toMatchObject({ ok: false, status: 'PERMISSION_DENIED' });
    expect(await h.grpc.call(method, request, {})).toMatchObject({ ok: false, status: 'UNAUTHENTICATED' });
    expect(await h.payment(request.paymentId)).toBeUndefined();
  });

  it('Hold repeated with the same payment id answers the same attempt and holds once', async () => {
    const request = holdRequest();
    const first = await h.grpc.ok('Hold', request, { token: service });

    const again = await h.grpc.ok('Hold', request, { token: service });

    expect(again).toEqual(first);
    expect(await h.query('SELECT 1 FROM payment_service.gateway_operations WHERE payment_id = $1', [request.paymentId])).toHaveLength(1);
  });

  it('a new attempt while one is live: FAILED_PRECONDITION; after a declined one it starts', async () => {
    const live = await held();
    expect(await h.grpc.call('Hold', holdRequest('4111111111111111', { orderId: live.orderId }), { token: service })).toMatchObject({
      ok: false,
      status: 'FAILED_PRECONDITION',
      reason: 'PAYMENT_ATTEMPT_LIVE',
    });

    const declined = holdRequest('4000000000000002');
    await h.grpc.ok('Hold', declined, { token: service });
    expect((await settled(declined)).payment).toMatchObject({ status: 'PAYMENT_STATUS_FAILED', failureReason: 'PAYMENT_DECLINED' });
    const retry = holdRequest('4242424242424242', { orderId: declined.orderId });
    await h.grpc.ok('Hold', retry, { token: service });
    expect((await settled(retry)).payment.status).toBe('PAYMENT_STATUS_HELD');
    expect((await h.grpc.ok('GetPayment', { orderId: declined.orderId }, { token: service })).payment.paymentId).toBe(retry.paymentId);
  });

  it('a payment id reused for another order: ALREADY_EXISTS', async () => {
    const request = holdRequest();
    await h.grpc.ok('Hold', request, { token: service });

    expect(await h.grpc.call('Hold', { ...request, orderId: `order-${randomUUID()}` }, { token: service })).toMatchObject({
      ok: false,
      status: 'ALREADY_EXISTS',
      reason: 'PAYMENT_ID_CONFLICT',
    });
  });

  it('invalid requests: INVALID_ARGUMENT with field violations, nothing stored', async () => {
    const request = holdRequest('4111111111111112', { amount: { currency: 'usd', amountMinor: '0' }, paymentMethod: '' });

    const outcome = await h.grpc.call('Hold', request, { token: service });

    expect(outcome).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT' });
    expect(outcome.ok || outcome.fields.sort()).toEqual(['amount.amount_minor', 'amount.currency', 'payment_method']);
    const card = await h.grpc.call('Hold', holdRequest('4111111111111112', { paymentDetails: { cardNumber: '4111111111111112', expiryDate: '01/20', cvv: '1' } }), { token: service });
    expect(card).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT' });
    expect(card.ok || card.fields).toEqual(['payment_details.card_number', 'payment_details.expiry_date', 'payment_details.cvv']);
    expect(card.ok || card.message).not.toMatch(/4111111111111112/);
    expect(await h.payment(request.paymentId)).toBeUndefined();
  });

  it('Capture: CAPTURED via the callback; repeats answer the same without a second capture', async () => {
    const target = await held();

    expect((await h.grpc.ok('Capture', target, { token: service })).payment.status).toBe('PAYMENT_STATUS_HELD');
    expect((await settled(target, 'PAYMENT_STATUS_CAPTURED')).payment.status).toBe('PAYMENT_STATUS_CAPTURED');
    const again = await h.grpc.ok('Capture', target, { token: service });

    expect(again.payment.status).toBe('PAYMENT_STATUS_CAPTURED');
    expect(await h.query(`SELECT 1 FROM payment_service.gateway_operations WHERE payment_id = $1 AND operation = 'capture'`, [target.paymentId])).toHaveLength(1);
  });

  it('Capture while the hold is in flight: ABORTED OPERATION_IN_PROGRESS', async () => {
    const request = holdRequest();
    await h.grpc.ok('Hold', request, { token: service });

    expect(await h.grpc.call('Capture', request, { token: service })).toMatchObject({ ok: false, status: 'ABORTED', reason: 'OPERATION_IN_PROGRESS' });
  });

  it('Void: VOIDED; on a FAILED payment it changes nothing; on a CAPTURED one FAILED_PRECONDITION', async () => {
    const target = await held();
    await h.grpc.ok('Void', { ...target, reason: 'PAYMENT_TIMEOUT' }, { token: service });
    expect((await settled(target, 'PAYMENT_STATUS_VOIDED')).payment.status).toBe('PAYMENT_STATUS_VOIDED');

    const declined = holdRequest('4000000000009995');
    await h.grpc.ok('Hold', declined, { token: service });
    await settled(declined);
    const before = await h.payment(declined.paymentId);
    expect((await h.grpc.ok('Void', declined, { token: service })).payment).toMatchObject({ status: 'PAYMENT_STATUS_FAILED', failureReason: 'INSUFFICIENT_FUNDS' });
    expect(await h.payment(declined.paymentId)).toEqual(before);

    const captured = await held();
    await h.grpc.ok('Capture', captured, { token: service });
    await settled(captured, 'PAYMENT_STATUS_CAPTURED');
    expect(await h.grpc.call('Void', captured, { token: service })).toMatchObject({ ok: false, status: 'FAILED_PRECONDITION', reason: 'PAYMENT_NOT_VOIDABLE' });
  });

  it('Refund: REFUNDED after a capture; before one FAILED_PRECONDITION', async () => {
    const target = await held();
    expect(await h.grpc.call('Refund', target, { token: service })).toMatchObject({ ok: false, status: 'FAILED_PRECONDITION', reason: 'PAYMENT_NOT_REFUNDABLE' });

    await h.grpc.ok('Capture', target, { token: service });
    await settled(target, 'PAYMENT_STATUS_CAPTURED');
    await h.grpc.ok('Refund', { ...target, reason: 'damaged' }, { token: service });

    expect((await settled(target, 'PAYMENT_STATUS_REFUNDED')).payment.status).toBe('PAYMENT_STATUS_REFUNDED');
  });

  it('GetPayment: an unknown attempt or order is NOT_FOUND', async () => {
    expect(await h.grpc.call('GetPayment', { orderId: 'order-x', paymentId: 'pay-x' }, { token: service })).toMatchObject({ ok: false, status: 'NOT_FOUND', reason: 'PAYMENT_NOT_FOUND' });
    expect(await h.grpc.call('GetPayment', { orderId: 'order-x' }, { token: service })).toMatchObject({ ok: false, status: 'NOT_FOUND' });
  });

  it('an idempotency key replays the first answer; reused for another request: ALREADY_EXISTS', async () => {
    const key = randomUUID();
    const request = holdRequest();
    const first = await h.grpc.ok('Hold', request, { token: service, idempotencyKey: key });
    await settled(request);

    expect(await h.grpc.ok('Hold', request, { token: service, idempotencyKey: key })).toEqual(first);
    expect(await h.grpc.call('Hold', holdRequest(), { token: service, idempotencyKey: key })).toMatchObject({
      ok: false,
      status: 'ALREADY_EXISTS',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
  });
});
