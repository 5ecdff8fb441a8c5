import { EventEmitter } from 'node:events';
import type { ConfirmChannel } from 'amqplib';
import { AMQP_URL, forceCloseConnections, RabbitTestBroker, uniquePrefix } from '../test/rabbit-test-broker.js';
import { RecordingLogger } from '../test/recording-logger.js';
import { AmqpPublisher, type ConfirmChannelSource } from './amqp.publisher.js';
import type { PublishedMessage } from './message.publisher.js';

describe('AmqpPublisher (RabbitMQ)', () => {
  const prefix = uniquePrefix('publisher');
  const exchange = `${prefix}.events`;
  const queue = `${prefix}.orders`;
  let rabbit: RabbitTestBroker;
  let publisher: AmqpPublisher;

  const message = (routingKey: string, n: number, extra: Partial<PublishedMessage> = {}): PublishedMessage => ({
    messageId: `${prefix}-${n}`,
    exchange,
    routingKey,
    payload: { orderId: `o-${n}`, seq: String(n) },
    headers: { 'message-id': `${prefix}-${n}`, 'x-correlation-id': `corr-${n}`, 'schema-version': '1' },
    createdAt: new Date('2026-03-04T05:06:07.890Z'),
    ...extra,
  });

  beforeAll(async () => {
    rabbit = await RabbitTestBroker.open();
    await rabbit.exchange(exchange);
    await rabbit.queue(queue, [{ exchange, pattern: 'order.*' }]);
    publisher = new AmqpPublisher({ url: AMQP_URL, connectionName: `${prefix}:publisher`, confirmTimeoutMs: 3_000, logger: new RecordingLogger() });
  });

  afterAll(async () => {
    await publisher?.close();
    await rabbit?.close();
  });

  it('publishes persistent JSON with the catalogue properties and headers, ok on confirm', async () => {
    const results = await publisher.publish([message('order.status_changed', 1), message('order.status_changed', 2)]);
    expect(results).toEqual([
      { messageId: `${prefix}-1`, ok: true },
      { messageId: `${prefix}-2`, ok: true },
    ]);
    const [first] = await rabbit.take(queue, 2);
    expect(JSON.parse(first!.content.toString())).toEqual({ orderId: 'o-1', seq: '1' });
    expect(first!.fields).toMatchObject({ exchange, routingKey: 'order.status_changed' });
    expect(first!.properties).toMatchObject({
      messageId: `${prefix}-1`,
      correlationId: 'corr-1',
      type: 'order.status_changed',
      contentType: 'application/json',
      deliveryMode: 2,
      timestamp: Math.floor(Date.parse('2026-03-04T05:06:07.890Z') / 1000),
      headers: { 'message-id': `${prefix}-1`, 'x-correlation-id': 'corr-1', 'schema-version': '1' },
    });
  });

  it('fails an unroutable message (basic.return) but not its routable neighbours', async () => {
    const results = await publisher.publish([message('order.status_changed', 3), message('nobody.bound', 4), message('order.status_changed', 5)]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ reason: expect.stringMatching(/^unroutable/) });
    expect((await rabbit.take(queue, 2)).map((m) => m.properties.messageId)).toEqual([`${prefix}-3`, `${prefix}-5`]);
  });

  it('fails the batch on a missing exchange (channel error) and recovers with a new channel', async () => {
    const [missing] = await publisher.publish([message('order.status_changed', 6, { exchange: `${prefix}.missing` })]);
    expect(missing).toMatchObject({ ok: false, reason: expect.stringMatching(/closed|NOT_FOUND/i) });
    const [next] = await publisher.publish([message('order.status_changed', 7)]);
    expect(next).toEqual({ messageId: `${prefix}-7`, ok: true });
    await rabbit.take(queue, 1);
  });

  it('survives the broker closing its connection: the next batch goes out after recovery', async () => {
    expect(await forceCloseConnections(`${prefix}:publisher`)).toBe(1);
    const deadline = Date.now() + 10_000;
    let result = (await publisher.publish([message('order.status_changed', 8)]))[0]!;
    while (!result.ok && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      result = (await publisher.publish([message('order.status_changed', 8)]))[0]!;
    }
    expect(result.ok).toBe(true);
    expect((await rabbit.take(queue, 1))[0]!.properties.messageId).toBe(`${prefix}-8`);
  }, 20_000);

  it('fails messages whose confirm never comes (e.g. a quorum queue without majority)', async () => {
    // A channel that accepts publishes and never confirms them.
    const silent = Object.assign(new EventEmitter(), { publish: () => true, close: async () => undefined }) as unknown as ConfirmChannel;
    const source: ConfirmChannelSource = { createConfirmChannel: async () => silent, close: async () => undefined };
    const stalled = new AmqpPublisher({ connection: source, confirmTimeoutMs: 200 });
    const started = Date.now();
    const results = await stalled.publish([message('order.status_changed', 9), message('order.status_changed', 10)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(results).toEqual([
      { messageId: `${prefix}-9`, ok: false, reason: 'confirm timeout after 200 ms' },
      { messageId: `${prefix}-10`, ok: false, reason: 'confirm timeout after 200 ms' },
    ]);
  });

  it('fails fast when no channel can be had', async () => {
    const source: ConfirmChannelSource = { createConfirmChannel: () => new Promise(() => undefined), close: async () => undefined };
    const unavailable = new AmqpPublisher({ connection: source, confirmTimeoutMs: 100 });
    const [result] = await unavailable.publish([message('order.status_changed', 11)]);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^broker unavailable/) });
  });
});
