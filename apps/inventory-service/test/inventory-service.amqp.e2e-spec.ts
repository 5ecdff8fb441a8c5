import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { inventoryQueues } from '../src/inventory.module.js';
import { InventoryServiceHarness } from './support/inventory-service.harness.js';

/**
 * The saga's side of inventory-service, over a real RabbitMQ: commands published to `oms.commands`,
 * replies read from a test queue bound to `oms.replies`. This run uses exchanges and a queue of its
 * own names, so a parallel run or leftover messages cannot interfere; every queue and exchange it
 * declares is deleted at the end.
 */
const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const RUN = randomUUID().slice(0, 8);
// Exchanges of its own too: a shared `oms.commands` would hand this instance other runs' commands
// (and their replies to other runs' sagas).
const TOPOLOGY = {
  commandsExchange: `oms.commands.e2e-${RUN}`,
  repliesExchange: `oms.replies.e2e-${RUN}`,
  eventsExchange: `oms.events.e2e-${RUN}`,
  commandsQueue: `inventory-service.commands.e2e-${RUN}`,
};
const COMMANDS_QUEUE = TOPOLOGY.commandsQueue;
const REPLIES_QUEUE = `inventory-service.e2e-${RUN}.replies`;
const WAIT_MS = 10_000;

interface Reply {
  readonly routingKey: string;
  readonly body: Record<string, any>;
  readonly headers: Record<string, unknown>;
}

let h: InventoryServiceHarness;
let connection: ChannelModel;
let channel: Channel;
const replies: Reply[] = [];

beforeAll(async () => {
  h = await InventoryServiceHarness.start({ amqpUrl: AMQP_URL }, { topology: TOPOLOGY });
  connection = await connect(AMQP_URL);
  channel = await connection.createConfirmChannel();
  await channel.assertQueue(REPLIES_QUEUE, { exclusive: true, autoDelete: true });
  await channel.bindQueue(REPLIES_QUEUE, TOPOLOGY.repliesExchange, 'inventory.*.result');
  await channel.consume(
    REPLIES_QUEUE,
    (m: ConsumeMessage | null) => {
      if (m) replies.push({ routingKey: m.fields.routingKey, body: JSON.parse(m.content.toString()), headers: m.properties.headers ?? {} });
    },
    { noAck: true },
  );
}, 60_000);

afterAll(async () => {
  await h?.stop();
  if (channel) {
    for (const queue of [...queueNames(), REPLIES_QUEUE]) await channel.deleteQueue(queue).catch(() => undefined);
    for (const exchange of [TOPOLOGY.commandsExchange, TOPOLOGY.repliesExchange, TOPOLOGY.eventsExchange]) {
      await channel.deleteExchange(exchange).catch(() => undefined);
    }
  }
  await connection?.close();
});

function queueNames(): string[] {
  const [queue] = inventoryQueues(TOPOLOGY);
  return [queue!.name, `${queue!.name}.dlq`, ...[1, 2, 3].map((n) => `${queue!.name}.retry.${n}`)];
}

/** Publishes a saga command as order-service's relay would; returns its message id. */
async function send(routingKey: string, payload: unknown, messageId: string = randomUUID(), correlationId = `corr-${randomUUID()}`): Promise<string> {
  const headers = { 'message-id': messageId, 'x-correlation-id': correlationId, 'schema-version': '1' };
  channel.publish(TOPOLOGY.commandsExchange, routingKey, Buffer.from(JSON.stringify(payload)), {
    messageId,
    correlationId,
    type: routingKey,
    contentType: 'application/json',
    persistent: true,
    headers,
  });
  await (channel as Channel & { waitForConfirms(): Promise<void> }).waitForConfirms();
  return messageId;
}

/** The replies about `orderId` once there are `count` of them (or the wait runs out). */
async function repliesFor(orderId: string, count = 1, waitMs = WAIT_MS): Promise<Reply[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const found = replies.filter((r) => r.body.orderId === orderId);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function newProduct(stock: number): Promise<string> {
  const sku = `AMQP-${RUN}-${randomUUID().slice(0, 6)}`;
  const admin = await h.token('root', ['admin']);
  const outcome = await h.rest.put(sku, { name: sku, price: { currency: 'USD', amountMinor: 100 }, stock }, { token: admin });
  if (!outcome.ok) throw new Error(`could not create ${sku}: ${outcome.message}`);
  return sku;
}

describe('inventory commands over RabbitMQ', () => {
  it('reserves on inventory.reserve and replies inventory.reserve.result, in the command’s correlation', async () => {
    const sku = await newProduct(5);
    const orderId = `o-${randomUUID()}`;
    const correlationId = `corr-${randomUUID()}`;

    const messageId = await send('inventory.reserve', { orderId, items: [{ sku, qty: 2 }] }, randomUUID(), correlationId);

    const [reply] = await repliesFor(orderId);
    expect(reply).toMatchObject({
      routingKey: 'inventory.reserve.result',
      body: { orderId, status: 'RESERVATION_STATUS_RESERVED', items: [{ sku, qty: 2 }] },
    });
    expect(reply!.headers).toMatchObject({ 'x-correlation-id': correlationId, 'x-causation-id': messageId, 'schema-version': '1' });
    expect(await h.units(sku)).toEqual({ stock: 5, reserved: 2 });
  });

  it('ignores a duplicate delivery of the same message: no second effect, no second reply', async () => {
    const sku = await newProduct(5);
    const orderId = `o-${randomUUID()}`;
    const command = { orderId, items: [{ sku, qty: 1 }] };
    const messageId = await send('inventory.reserve', command);
    expect(await repliesFor(orderId)).toHaveLength(1);

    await send('inventory.reserve', command, messageId);
    // A message id the consumer has seen is acknowledged and dropped; wait for the queue to drain.
    await drained();

    expect(await repliesFor(orderId, 2, 1_000)).toHaveLength(1);
    expect(await h.units(sku)).toEqual({ stock: 5, reserved: 1 });
    const { rows } = await h.sql.query(`SELECT count(*)::int AS n FROM inventory_service.inbox WHERE message_id = $1`, [messageId]);
    expect(rows[0].n).toBe(1);
  });

  it('answers a command the saga sends again (new message id) with the same reply and no second effect', async () => {
    const sku = await newProduct(5);
    const orderId = `o-${randomUUID()}`;
    const command = { orderId, items: [{ sku, qty: 3 }] };
    await send('inventory.reserve', command);
    const [first] = await repliesFor(orderId);

    await send('inventory.reserve', command);

    const both = await repliesFor(orderId, 2);
    expect(both).toHaveLength(2);
    expect(both[1]!.body).toEqual(first!.body);
    expect(await h.units(sku)).toEqual({ stock: 5, reserved: 3 });
  });

  it('runs release, commit and restock, each replying on its own routing key', async () => {
    const sku = await newProduct(10);
    const [kept, sold] = [`o-${randomUUID()}`, `o-${randomUUID()}`];
    await send('inventory.reserve', { orderId: kept, items: [{ sku, qty: 2 }] });
    await send('inventory.reserve', { orderId: sold, items: [{ sku, qty: 3 }] });
    await repliesFor(kept);
    await repliesFor(sold);

    await send('inventory.release', { orderId: kept, reason: 'PAYMENT_TIMEOUT' });
    await send('inventory.commit', { orderId: sold });
    expect((await repliesFor(kept, 2)).map((r) => [r.routingKey, r.body.status])).toEqual([
      ['inventory.reserve.result', 'RESERVATION_STATUS_RESERVED'],
      ['inventory.release.result', 'RESERVATION_STATUS_RELEASED'],
    ]);
    expect((await repliesFor(sold, 2))[1]).toMatchObject({ routingKey: 'inventory.commit.result', body: { status: 'RESERVATION_STATUS_COMMITTED' } });
    expect(await h.units(sku)).toEqual({ stock: 7, reserved: 0 });

    await send('inventory.restock', { orderId: sold, reason: 'refund' });
    expect((await repliesFor(sold, 3))[2]).toMatchObject({ routingKey: 'inventory.restock.result', body: { status: 'RESERVATION_STATUS_RESTOCKED' } });
    expect(await h.units(sku)).toEqual({ stock: 10, reserved: 0 });
  });

  it('rejects an order with an unknown sku: REJECTED with the sku in unavailableSkus', async () => {
    const orderId = `o-${randomUUID()}`;

    await send('inventory.reserve', { orderId, items: [{ sku: 'P404', qty: 1 }] });

    const [reply] = await repliesFor(orderId);
    expect(reply!.body).toEqual({
      orderId,
      status: 'RESERVATION_STATUS_REJECTED',
      items: [{ sku: 'P404', qty: 1 }],
      failureReason: 'INSUFFICIENT_STOCK',
      unavailableSkus: ['P404'],
    });
  });

  it('dead-letters a command that can never succeed at once, without a reply', async () => {
    const orderId = `o-${randomUUID()}`;

    const invalid = await send('inventory.reserve', { orderId, items: [{ sku: 'P001', qty: 0 }] });
    const conflict = await send('inventory.commit', { orderId: `never-reserved-${RUN}` });

    const dead = await deadLetters(2);
    expect(dead.map((d) => d.messageId).sort()).toEqual([invalid, conflict].sort());
    expect(dead.every((d) => d.headers['x-death-reason'] === 'permanent')).toBe(true);
    expect(await repliesFor(orderId, 1, 500)).toHaveLength(0);
  });
});

/** Waits until the commands queue holds no message (ready or unacknowledged). */
async function drained(): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const { messageCount } = await channel.checkQueue(COMMANDS_QUEUE);
    if (messageCount === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Unacknowledged deliveries are not counted above; give the consumer a moment to finish one.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/** Reads `count` messages from the dead-letter queue (waiting for them to arrive). */
async function deadLetters(count: number): Promise<{ messageId: string; headers: Record<string, unknown> }[]> {
  const found: { messageId: string; headers: Record<string, unknown> }[] = [];
  const deadline = Date.now() + WAIT_MS;
  while (found.length < count && Date.now() < deadline) {
    const m = await channel.get(`${COMMANDS_QUEUE}.dlq`, { noAck: true });
    if (m) found.push({ messageId: m.properties.messageId as string, headers: m.properties.headers ?? {} });
    else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return found;
}
