import { AsyncLocalStorage } from 'node:async_hooks';
import { InProcessBroker, sharedInProcessBroker, type InProcessDelivery } from './in-process.broker.js';
import { InProcessPublisher } from './in-process.publisher.js';
import type { PublishedMessage } from './message.publisher.js';

const message = (routingKey: string, extra: Partial<PublishedMessage> = {}): PublishedMessage => ({
  messageId: `m-${routingKey}-${Math.random()}`,
  exchange: 'oms.commands',
  routingKey,
  payload: { orderId: 'o1' },
  headers: { 'x-correlation-id': 'c1' },
  ...extra,
});

describe('InProcessBroker + InProcessPublisher', () => {
  let broker: InProcessBroker;
  let publisher: InProcessPublisher;

  beforeEach(() => {
    broker = new InProcessBroker();
    publisher = new InProcessPublisher(broker);
  });

  it('routes by topic pattern with RabbitMQ wildcards, once per queue, and waits for each consumer', async () => {
    const seen: Record<string, string[]> = { inv: [], all: [], results: [] };
    let finished = 0;
    broker.declareQueue('inv', [{ exchange: 'oms.commands', pattern: 'inventory.*' }]);
    broker.declareQueue('all', [
      { exchange: 'oms.commands', pattern: '#' },
      { exchange: 'oms.commands', pattern: 'inventory.#' },
    ]);
    broker.declareQueue('results', [{ exchange: 'oms.commands', pattern: '*.*.result' }]);
    for (const queue of ['inv', 'all', 'results']) {
      broker.consume(queue, async (d) => {
        await new Promise((r) => setTimeout(r, 10));
        seen[queue]!.push(d.routingKey);
        finished++;
      });
    }
    const results = await publisher.publish([message('inventory.reserve'), message('payment.hold.result'), message('inventory')]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(finished).toBe(5);
    expect(seen).toEqual({ inv: ['inventory.reserve'], all: ['inventory.reserve', 'payment.hold.result', 'inventory'], results: ['payment.hold.result'] });
  });

  it('hands the consumer what the wire would carry', async () => {
    const deliveries: InProcessDelivery[] = [];
    broker.declareQueue('q', [{ exchange: 'oms.commands', pattern: 'inventory.reserve' }]);
    broker.consume('q', async (d) => void deliveries.push(d));
    const createdAt = new Date('2026-01-02T03:04:05Z');
    await publisher.publish([message('inventory.reserve', { messageId: 'id-1', createdAt })]);
    expect(deliveries).toEqual([
      {
        queue: 'q',
        exchange: 'oms.commands',
        routingKey: 'inventory.reserve',
        messageId: 'id-1',
        headers: { 'x-correlation-id': 'c1' },
        body: '{"orderId":"o1"}',
        timestamp: createdAt,
      },
    ]);
  });

  it('fails unroutable messages, queues without a consumer, and consumer failures', async () => {
    broker.declareQueue('idle', [{ exchange: 'oms.commands', pattern: 'idle.*' }]);
    broker.declareQueue('broken', [{ exchange: 'oms.commands', pattern: 'broken.*' }]);
    broker.consume('broken', async () => {
      throw new Error('handler exploded');
    });
    const [unroutable, idle, broken, otherExchange, broadcast] = await publisher.publish([
      message('nobody.listens'),
      message('idle.x'),
      message('broken.x'),
      message('idle.x', { exchange: 'oms.replies' }),
      message('order.status_changed', { exchange: 'oms.events' }),
    ]);
    expect(unroutable).toMatchObject({ ok: false, reason: expect.stringMatching(/^unroutable/) });
    expect(idle).toMatchObject({ ok: false, reason: expect.stringMatching(/no consumer on queue idle/) });
    expect(broken).toMatchObject({ ok: false, reason: expect.stringMatching(/handler exploded/) });
    expect(otherExchange).toMatchObject({ ok: false, reason: expect.stringMatching(/^unroutable/) });
    // An event nobody subscribes to is delivered to no one: not a failure.
    expect(broadcast).toMatchObject({ ok: true });
  });

  it('runs consumers outside the publisher async context; a cancelled consumer stops receiving', async () => {
    const storage = new AsyncLocalStorage<string>();
    const stores: (string | undefined)[] = [];
    broker.declareQueue('q', [{ exchange: 'oms.commands', pattern: '#' }]);
    const cancel = broker.consume('q', async () => void stores.push(storage.getStore()));
    await storage.run('relay-transaction', () => publisher.publish([message('a')]));
    expect(stores).toEqual([undefined]);
    expect(() => broker.consume('q', async () => undefined)).toThrow(/already has a consumer/);
    cancel();
    const [result] = await publisher.publish([message('a')]);
    expect(result!.ok).toBe(false);
  });

  it('shares one broker per process', () => {
    expect(sharedInProcessBroker()).toBe(sharedInProcessBroker());
  });
});
