import { randomUUID } from 'node:crypto';
import { AMQP_URL, RabbitProbe, type Received } from './support/rabbit-probe.js';
import { eventually, PaymentServiceHarness } from './support/payment-service.harness.js';

let h: PaymentServiceHarness;
let probe: RabbitProbe;
let service: string;

beforeAll(async () => {
  h = await PaymentServiceHarness.start({ latencyMs: 50, amqpUrl: AMQP_URL });
  probe = await RabbitProbe.open('payment.#');
  service = await h.token('order-service', ['service']);
}, 60_000);

afterAll(async () => {
  await probe?.close();
  await h?.stop();
});

/** The replies received so far for one payment, optionally of one routing key. */
function replies(paymentId: string, routingKey?: string): Received[] {
  return probe.received.filter((m) => m.body.paymentId === paymentId && (routingKey === undefined || m.routingKey === routingKey));
}

function awaitReplies(paymentId: string, routingKey: string, count = 1, timeoutMs = 10_000): Promise<Received[]> {
  return eventually(async () => {
    const found = replies(paymentId, routingKey);
    return found.length >= count ? found : undefined;
  }, timeoutMs, `${count} ${routingKey} for ${paymentId}`);
}

async function held(card = '4111111111111111'): Promise<{ orderId: string; paymentId: string }> {
  const target = { orderId: `order-${randomUUID()}`, paymentId: `pay-${randomUUID()}` };
  await h.grpc.ok(
    'Hold',
    { ...target, amount: { currency: 'USD', amountMinor: '3350' }, paymentMethod: 'credit_card', paymentDetails: { cardNumber: card, expiryDate: '12/39', cvv: '123' }, customerId: 'alice' },
    { token: service },
  );
  const [reply] = await awaitReplies(target.paymentId, 'payment.hold.result');
  expect(reply!.body.status).toBe('PAYMENT_STATUS_HELD');
  return target;
}

const gatewayOperations = async (paymentId: string, operation: string): Promise<number> =>
  (await h.query(`SELECT 1 FROM payment_service.gateway_operations WHERE payment_id = $1 AND operation = $2`, [paymentId, operation])).length;

describe('payment commands over RabbitMQ', () => {
  it('payment.hold.result reaches oms.replies with the headers of docs/messaging.md', async () => {
    const target = await held();

    const [reply] = replies(target.paymentId, 'payment.hold.result');
    expect(reply!.headers).toMatchObject({ 'message-id': reply!.messageId, 'schema-version': '1', 'x-aggregate-id': target.orderId });
    expect(reply!.body).toMatchObject({ orderId: target.orderId, status: 'PAYMENT_STATUS_HELD', amount: { currency: 'USD', amountMinor: '3350' } });
  });

  it('payment.capture on oms.commands: payment.capture.result CAPTURED, with the command’s correlation id', async () => {
    const target = await held();
    const correlationId = randomUUID();

    probe.publish('payment.capture', target, randomUUID(), correlationId);

    const [reply] = await awaitReplies(target.paymentId, 'payment.capture.result');
    expect(reply!.body).toMatchObject({ ...target, status: 'PAYMENT_STATUS_CAPTURED', transactionId: expect.stringMatching(/^txn_/) });
    expect(reply!.headers['x-correlation-id']).toBe(correlationId);
  });

  it('a duplicate delivery (same message id) changes nothing and is not answered twice', async () => {
    const target = await held();
    const messageId = randomUUID();

    probe.publish('payment.capture', target, messageId);
    probe.publish('payment.capture', target, messageId);

    await awaitReplies(target.paymentId, 'payment.capture.result');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(replies(target.paymentId, 'payment.capture.result')).toHaveLength(1);
    expect(await gatewayOperations(target.paymentId, 'capture')).toBe(1);
    expect(await h.query(`SELECT 1 FROM payment_service.inbox WHERE message_id = $1`, [messageId])).toHaveLength(1);
  });

  it('a repeated command (new message id) once settled answers the same result again, without a second capture', async () => {
    const target = await held();
    probe.publish('payment.capture', target);
    const [first] = await awaitReplies(target.paymentId, 'payment.capture.result');
    const version = (await h.payment(target.paymentId))!.version;

    probe.publish('payment.capture', target);

    const [, second] = await awaitReplies(target.paymentId, 'payment.capture.result', 2);
    expect(second!.body).toEqual(first!.body);
    expect(second!.messageId).not.toBe(first!.messageId);
    expect(await gatewayOperations(target.paymentId, 'capture')).toBe(1);
    expect((await h.payment(target.paymentId))!.version).toBe(version);
  });

  it('4000000000000341: capture.result FAILED / CAPTURE_FAILED, then payment.void releases the hold', async () => {
    const target = await held('4000000000000341');

    probe.publish('payment.capture', target);
    const [capture] = await awaitReplies(target.paymentId, 'payment.capture.result');
    expect(capture!.body).toMatchObject({ status: 'PAYMENT_STATUS_FAILED', failureReason: 'CAPTURE_FAILED' });

    probe.publish('payment.void', { ...target, reason: 'CAPTURE_FAILED' });
    const [voided] = await awaitReplies(target.paymentId, 'payment.void.result');
    expect(voided!.body.status).toBe('PAYMENT_STATUS_VOIDED');
  });

  it('payment.refund after a capture: payment.refund.result REFUNDED', async () => {
    const target = await held();
    probe.publish('payment.capture', target);
    await awaitReplies(target.paymentId, 'payment.capture.result');

    probe.publish('payment.refund', { ...target, reason: 'damaged' });

    const [reply] = await awaitReplies(target.paymentId, 'payment.refund.result');
    expect(reply!.body.status).toBe('PAYMENT_STATUS_REFUNDED');
  });

  it('a capture arriving while the hold is in flight is retried with backoff and then succeeds', async () => {
    const target = { orderId: `order-${randomUUID()}`, paymentId: `pay-${randomUUID()}` };
    await h.grpc.ok(
      'Hold',
      { ...target, amount: { currency: 'USD', amountMinor: '3350' }, paymentMethod: 'credit_card', paymentDetails: { cardNumber: '4242424242424242', expiryDate: '12/39', cvv: '123' }, customerId: 'alice' },
      { token: service },
    );

    probe.publish('payment.capture', target);

    const [reply] = await awaitReplies(target.paymentId, 'payment.capture.result', 1, 15_000);
    expect(reply!.body.status).toBe('PAYMENT_STATUS_CAPTURED');
  }, 20_000);

  it('a command that can never succeed is dead-lettered at once and changes nothing', async () => {
    const target = await held();
    const before = await h.payment(target.paymentId);
    const invalid = probe.publish('payment.capture', { orderId: target.orderId });
    const refused = probe.publish('payment.refund', target);

    const dead = await eventually(async () => {
      const found = await probe.take('payment-service.commands.dlq', (m) => m.messageId === invalid || m.messageId === refused);
      return found.length === 2 ? found : undefined;
    }, 10_000, 'two dead letters');

    expect(dead.map((m) => m.headers['x-death-reason'])).toEqual(['permanent', 'permanent']);
    expect(await h.payment(target.paymentId)).toEqual(before);
    expect(replies(target.paymentId, 'payment.refund.result')).toEqual([]);
  });
});
