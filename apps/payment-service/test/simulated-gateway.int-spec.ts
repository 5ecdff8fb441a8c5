import { randomUUID } from 'node:crypto';
import { CardGateway } from '../src/application/ports/card-gateway.port.js';
import { Money } from '../src/domain/money.js';
import { eventually, PaymentServiceHarness } from './support/payment-service.harness.js';

const future = '12/39';

function holdRequest(card: string, overrides: Record<string, unknown> = {}) {
  return {
    orderId: `order-${randomUUID()}`,
    paymentId: `pay-${randomUUID()}`,
    amount: { currency: 'USD', amountMinor: '10050' },
    paymentMethod: 'credit_card',
    paymentDetails: { cardNumber: card, expiryDate: future, cvv: '123' },
    customerId: 'alice',
    ...overrides,
  };
}

describe('the simulated gateway and its signed callbacks', () => {
  let h: PaymentServiceHarness;
  let service: string;

  beforeAll(async () => {
    h = await PaymentServiceHarness.start({ latencyMs: 50 });
    service = await h.token('order-service', ['service']);
  }, 60_000);

  afterAll(() => h?.stop());

  async function hold(card: string): Promise<{ paymentId: string; orderId: string }> {
    const request = holdRequest(card);
    const body = await h.grpc.ok('Hold', request, { token: service });
    expect(body.payment).toMatchObject({ status: 'PAYMENT_STATUS_PROCESSING', provider: 'simulated', cardLast4: card.slice(-4) });
    return { paymentId: request.paymentId, orderId: request.orderId };
  }

  describe('test cards (CONTRACT section 6)', () => {
    it.each(['4111111111111111', '4242424242424242'])('%s: the hold succeeds; HELD and payment.hold.result is written', async (card) => {
      const { paymentId, orderId } = await hold(card);

      const row = await h.awaitStatus(paymentId, 'HELD');
      expect(row).toMatchObject({ card_brand: 'visa', card_last4: card.slice(-4), failure_reason: '', pending_operation: null });
      expect(row.transaction_id).toMatch(/^txn_/);
      const [reply] = (await h.outbox('payment.hold.result')).filter((r) => r.aggregate_id === orderId);
      expect(reply).toMatchObject({
        exchange: 'oms.replies',
        payload: { paymentId, orderId, status: 'PAYMENT_STATUS_HELD', cardLast4: card.slice(-4), provider: 'simulated' },
      });
    });

    it.each([
      ['4000000000000002', 'PAYMENT_DECLINED'],
      ['4000000000009995', 'INSUFFICIENT_FUNDS'],
    ])('%s: the hold is declined with %s', async (card, reason) => {
      const { paymentId } = await hold(card);

      expect(await h.awaitStatus(paymentId, 'FAILED')).toMatchObject({ failure_reason: reason });
      const replies = (await h.outbox('payment.hold.result')).filter((r) => r.payload.paymentId === paymentId);
      expect(replies.map((r) => [r.payload.status, r.payload.failureReason])).toEqual([['PAYMENT_STATUS_FAILED', reason]]);
    });

    it('4000000000000119: the first attempt meets a transient error; payment-service retries and the hold succeeds', async () => {
      const { paymentId } = await hold('4000000000000119');

      await h.awaitStatus(paymentId, 'HELD');
      expect(await h.query('SELECT request_key FROM payment_service.gateway_faults WHERE request_key = $1', [`hold:${paymentId}`])).toHaveLength(1);
      expect(await h.query(`SELECT 1 FROM payment_service.gateway_operations WHERE payment_id = $1 AND operation = 'hold'`, [paymentId])).toHaveLength(1);
    });

    it('4000000000000341: the hold succeeds, the capture fails (FAILED / CAPTURE_FAILED) and the hold can still be voided', async () => {
      const { paymentId, orderId } = await hold('4000000000000341');
      await h.awaitStatus(paymentId, 'HELD');

      const capturing = await h.grpc.ok('Capture', { orderId, paymentId }, { token: service });
      expect(capturing.payment.status).toBe('PAYMENT_STATUS_HELD');
      await h.awaitStatus(paymentId, 'CAPTURE_FAILED');
      const [captureReply] = (await h.outbox('payment.capture.result')).filter((r) => r.payload.paymentId === paymentId);
      expect(captureReply!.payload).toMatchObject({ status: 'PAYMENT_STATUS_FAILED', failureReason: 'CAPTURE_FAILED' });
      expect((await h.grpc.ok('GetPayment', { orderId, paymentId }, { token: service })).payment).toMatchObject({
        status: 'PAYMENT_STATUS_FAILED',
        failureReason: 'CAPTURE_FAILED',
      });

      await h.grpc.ok('Void', { orderId, paymentId, reason: 'CAPTURE_FAILED' }, { token: service });
      expect(await h.awaitStatus(paymentId, 'VOIDED')).toMatchObject({ captured_minor: '0', status_reason: 'CAPTURE_FAILED' });
      const [voidReply] = (await h.outbox('payment.void.result')).filter((r) => r.payload.paymentId === paymentId);
      expect(voidReply!.payload.status).toBe('PAYMENT_STATUS_VOIDED');
    });

    it('a successful card goes all the way: HELD -> CAPTURED -> REFUNDED, one reply per step', async () => {
      const { paymentId, orderId } = await hold('4242424242424242');
      await h.awaitStatus(paymentId, 'HELD');
      await h.grpc.ok('Capture', { orderId, paymentId }, { token: service });
      expect(await h.awaitStatus(paymentId, 'CAPTURED')).toMatchObject({ captured_minor: '10050' });
      await h.grpc.ok('Refund', { orderId, paymentId, reason: 'damaged' }, { token: service });
      expect(await h.awaitStatus(paymentId, 'REFUNDED')).toMatchObject({ refunded_minor: '10050' });

      const replies = (await h.outbox()).filter((r) => r.aggregate_id === orderId);
      expect(replies.map((r) => [r.routing_key, r.payload.status])).toEqual([
        ['payment.hold.result', 'PAYMENT_STATUS_HELD'],
        ['payment.capture.result', 'PAYMENT_STATUS_CAPTURED'],
        ['payment.refund.result', 'PAYMENT_STATUS_REFUNDED'],
      ]);
      const operations = await h.query(`SELECT operation, attempts, delivered_at IS NOT NULL AS delivered FROM payment_service.gateway_operations WHERE payment_id = $1 ORDER BY created_at`, [paymentId]);
      expect(operations).toEqual([
        { operation: 'hold', attempts: 1, delivered: true },
        { operation: 'capture', attempts: 1, delivered: true },
        { operation: 'refund', attempts: 1, delivered: true },
      ]);
    });
  });

  it('the reply written on the callback carries the correlation id of the request that caused it', async () => {
    const correlationId = randomUUID();
    const request = holdRequest('4111111111111111');
    await h.grpc.ok('Hold', request, { token: service, correlationId });
    await h.awaitStatus(request.paymentId, 'HELD');

    const [reply] = (await h.outbox('payment.hold.result')).filter((r) => r.payload.paymentId === request.paymentId);
    expect(reply!.headers).toMatchObject({ 'x-correlation-id': correlationId, 'x-aggregate-id': request.orderId, 'schema-version': '1' });
  });

  it('a callback refused while the payment is not yet stored is delivered again until it applies', async () => {
    const request = holdRequest('4111111111111111');
    // The network accepts the hold, but payment-service has not stored the attempt (as if its commit were slow).
    await h.running.app.get(CardGateway).hold({
      paymentId: request.paymentId,
      orderId: request.orderId,
      customerId: 'alice',
      amount: Money.of(10050n, 'USD'),
      card: { number: '4111111111111111', expiry: future, cvv: '123' },
    });
    await eventually(async () => {
      const [op] = await h.query(`SELECT last_error FROM payment_service.gateway_operations WHERE payment_id = $1`, [request.paymentId]);
      return op?.last_error === 'HTTP 404' ? op : undefined;
    }, 5_000, 'a refused delivery');

    await h.grpc.ok('Hold', request, { token: service });

    await h.awaitStatus(request.paymentId, 'HELD');
    const [op] = await h.query(`SELECT attempts, abandoned_at FROM payment_service.gateway_operations WHERE payment_id = $1`, [request.paymentId]);
    expect(op!.attempts).toBeGreaterThan(1);
    expect(op!.abandoned_at).toBeNull();
  });
});

describe('the callback endpoint refuses what the gateway did not sign', () => {
  let h: PaymentServiceHarness;
  let service: string;
  let target: { paymentId: string; orderId: string };
  let callback: string;

  /** Everything a refused callback must leave untouched. */
  async function state(): Promise<unknown> {
    return {
      payment: await h.payment(target.paymentId),
      inbox: await h.query('SELECT * FROM payment_service.gateway_callback_inbox ORDER BY callback_id'),
      outbox: await h.query('SELECT message_id FROM payment_service.outbox ORDER BY id'),
    };
  }

  beforeAll(async () => {
    // The network's own callbacks are due only in a minute: these tests send theirs by hand.
    h = await PaymentServiceHarness.start({ latencyMs: 60_000 });
    service = await h.token('order-service', ['service']);
    const request = holdRequest('4111111111111111');
    await h.grpc.ok('Hold', request, { token: service });
    target = { paymentId: request.paymentId, orderId: request.orderId };
    callback = JSON.stringify({
      id: randomUUID(),
      createdAt: new Date().toISOString(),
      paymentId: target.paymentId,
      orderId: target.orderId,
      operation: 'hold',
      succeeded: true,
      failureReason: '',
      transactionId: 'txn_manual',
      amount: { currency: 'USD', amountMinor: '10050' },
    });
  }, 60_000);

  afterAll(() => h?.stop());

  it.each<[string, () => { body: string; headers: Record<string, string> }]>([
    ['unsigned', () => ({ body: callback, headers: { 'content-type': 'application/vnd.oms.gateway-callback+json' } })],
    ['tampered (body changed after signing)', () => ({ body: callback.replace('"succeeded":true', '"succeeded":false'), headers: h.signedHeaders(callback) })],
    ['tampered (timestamp moved)', () => {
      const headers = h.signedHeaders(callback);
      headers['x-gateway-signature'] = headers['x-gateway-signature']!.replace(/t=(\d+)/, (_, t: string) => `t=${Number(t) + 1}`);
      return { body: callback, headers };
    }],
    ['signed with another secret', () => ({ body: callback, headers: h.signedHeaders(callback, { secret: 'someone-elses-secret-0000' }) })],
    ['stale (signed 6 minutes ago)', () => ({ body: callback, headers: h.signedHeaders(callback, { at: Math.floor(Date.now() / 1000) - 360 }) })],
    ['sent as plain JSON (bytes not verifiable)', () => ({ body: callback, headers: { ...h.signedHeaders(callback), 'content-type': 'application/json' } })],
  ])('refuses a callback %s with 401 and changes nothing', async (_, make) => {
    const before = await state();
    const { body, headers } = make();

    const response = await h.postCallback(body, headers);

    expect(response.status).toBe(401);
    expect(response.json.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect(await state()).toEqual(before);
    expect((await h.payment(target.paymentId))!.status).toBe('PROCESSING');
  });

  it('applies a valid callback once; the replay answers 200 and changes nothing', async () => {
    const first = await h.postCallback(callback, h.signedHeaders(callback));
    expect(first).toEqual({ status: 200, json: { callbackId: JSON.parse(callback).id, replayed: false, applied: true, status: 'HELD' } });
    expect(await h.payment(target.paymentId)).toMatchObject({ status: 'HELD', transaction_id: 'txn_manual' });
    const afterFirst = await state();

    const replay = await h.postCallback(callback, h.signedHeaders(callback));

    expect(replay).toEqual({ status: 200, json: { callbackId: JSON.parse(callback).id, replayed: true, applied: false, status: 'HELD' } });
    expect(await state()).toEqual(afterFirst);
    expect((await h.outbox('payment.hold.result')).length).toBe(1);
  });

  it('answers 404 for a payment it does not know, so the gateway delivers again later', async () => {
    const body = callback.replace(target.paymentId, 'pay-unknown').replace(/"id":"[^"]+"/, `"id":"${randomUUID()}"`);

    expect((await h.postCallback(body, h.signedHeaders(body))).status).toBe(404);
    expect(await h.query('SELECT 1 FROM payment_service.gateway_callback_inbox WHERE payment_id = $1', ['pay-unknown'])).toEqual([]);
  });

  it('answers 400 for a signed body that is not a callback', async () => {
    const body = JSON.stringify({ id: randomUUID(), paymentId: target.paymentId, operation: 'teleport' });

    const response = await h.postCallback(body, h.signedHeaders(body));

    expect(response.status).toBe(400);
    expect(response.json.error.details[0].fieldViolations.map((v: { field: string }) => v.field)).toEqual([
      'failureReason',
      'transactionId',
      'operation',
      'succeeded',
    ]);
  });
});

describe('pending callbacks survive a restart', () => {
  let h: PaymentServiceHarness;

  beforeAll(async () => {
    h = await PaymentServiceHarness.start({ latencyMs: 1_500 });
  }, 60_000);

  afterAll(() => h?.stop());

  it('delivers, after the next start, what was due while payment-service was down', async () => {
    const service = await h.token('order-service', ['service']);
    const requests = ['4111111111111111', '4000000000000002', '4000000000009995'].map((card) => holdRequest(card));
    for (const request of requests) await h.grpc.ok('Hold', request, { token: service });

    await h.restart(async () => {
      const pending = await h.query(`SELECT count(*)::int AS n FROM payment_service.gateway_operations WHERE delivered_at IS NULL`);
      expect(pending).toEqual([{ n: 3 }]);
      // Down past the due time: nothing may have been delivered meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      expect(await h.query(`SELECT status FROM payment_service.payments WHERE status <> 'PROCESSING'`)).toEqual([]);
    });

    expect((await h.awaitStatus(requests[0]!.paymentId, 'HELD', 5_000)).status).toBe('HELD');
    expect((await h.awaitStatus(requests[1]!.paymentId, 'FAILED', 5_000)).failure_reason).toBe('PAYMENT_DECLINED');
    expect((await h.awaitStatus(requests[2]!.paymentId, 'FAILED', 5_000)).failure_reason).toBe('INSUFFICIENT_FUNDS');
    expect(await h.outbox('payment.hold.result')).toHaveLength(3);
  }, 30_000);
});
