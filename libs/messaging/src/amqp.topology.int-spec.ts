import { RabbitTestBroker, uniquePrefix } from '../test/rabbit-test-broker.js';
import { declareTopology, topologyQueueNames, type TopologyOptions } from './amqp.topology.js';

describe('declareTopology (RabbitMQ)', () => {
  const p = uniquePrefix('topology');
  const queue = `${p}.work`;
  const options: TopologyOptions = {
    exchanges: [`${p}.commands`, `${p}.events`],
    retryExchange: `${p}.retry`,
    deadLetterExchange: `${p}.dlx`,
    retryDelaysMs: [100, 200],
    deliveryLimit: 2,
    queues: [{ name: queue, bindings: [{ exchange: `${p}.commands`, pattern: 'work.*' }] }],
  };
  let rabbit: RabbitTestBroker;

  beforeAll(async () => {
    rabbit = await RabbitTestBroker.open();
    rabbit.track('exchange', ...options.exchanges!, options.retryExchange!, options.deadLetterExchange!);
    rabbit.track('queue', ...topologyQueueNames(options.queues, options.retryDelaysMs));
  });
  afterAll(() => rabbit?.close());

  const channel = async () => {
    const ch = await rabbit.connection.createChannel();
    ch.on('error', () => undefined);
    return ch;
  };

  it('is idempotent: every replica may declare it at every start', async () => {
    const ch = await channel();
    await declareTopology(ch, options);
    await declareTopology(ch, options);
    await ch.close();
    expect(topologyQueueNames(options.queues, options.retryDelaysMs)).toEqual([queue, `${queue}.dlq`, `${queue}.retry.1`, `${queue}.retry.2`]);
  });

  it('wires the pieces: bindings route in, a retry queue expires back, the delivery limit dead-letters', async () => {
    const ch = await channel();
    await rabbit.publish(`${p}.commands`, 'work.x', { n: 1 }, { messageId: 'm1' });
    const [routed] = await rabbit.take(queue, 1);
    expect(routed!.properties.messageId).toBe('m1');

    await rabbit.publish(options.retryExchange!, `${queue}.retry.2`, { n: 2 }, { messageId: 'm2' });
    expect(await rabbit.messageCount(`${queue}.retry.2`)).toBe(1);
    const [back] = await rabbit.take(queue, 1, 3_000);
    expect(back!.properties.messageId).toBe('m2');

    // A message the consumers keep requeueing (e.g. it crashes them) ends in the DLQ.
    await rabbit.publish(`${p}.commands`, 'work.x', { n: 3 }, { messageId: 'm3' });
    let requeued = 0;
    const deadline = Date.now() + 5_000;
    while (requeued < 3 && Date.now() < deadline) {
      const message = await ch.get(queue, { noAck: false });
      if (!message) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      ch.nack(message, false, true);
      requeued++;
    }
    expect(requeued).toBe(3);
    const [dead] = await rabbit.take(`${queue}.dlq`, 1, 3_000);
    expect(dead!.properties.messageId).toBe('m3');
    await ch.close();
  });

  it('names the queue when an existing declaration disagrees (e.g. a changed delay)', async () => {
    const ch = await channel();
    await expect(declareTopology(ch, { ...options, retryDelaysMs: [100, 999] })).rejects.toThrow(
      new RegExp(`declaring queue ${queue.replaceAll('.', '\\.')}\\.retry\\.2 failed: .*PRECONDITION_FAILED`),
    );
  });
});
