import { randomUUID } from 'node:crypto';
import amqp, { type ConsumeMessage, type Options } from 'amqplib';
import { shuffled } from './seeded-random.js';

/** The exchanges whose messages are replayed: the saga's commands and the replies to them. */
export const REPLAYED_EXCHANGES = ['oms.commands', 'oms.replies'] as const;

/** A message as the services published it. */
export interface CapturedMessage {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  readonly properties: ConsumeMessage['properties'];
}

/**
 * Copies of every command and reply published in the cluster's vhost, from a queue of the test's
 * own bound with `#` to each of {@link REPLAYED_EXCHANGES} (topic exchanges copy a message to every
 * bound queue, so the services' own queues still get theirs). {@link stop} deletes the queue, so
 * copies published later reach the services' queues only.
 */
export class DeliveryRecorder {
  readonly captured: CapturedMessage[] = [];

  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.Channel,
    private readonly queue: string,
  ) {}

  static async start(amqpUrl: string): Promise<DeliveryRecorder> {
    const connection = await amqp.connect(amqpUrl);
    connection.on('error', () => undefined);
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    const recorder = new DeliveryRecorder(connection, channel, queue);
    for (const exchange of REPLAYED_EXCHANGES) await channel.bindQueue(queue, exchange, '#');
    await channel.consume(queue, (m) => m && recorder.captured.push({ exchange: m.fields.exchange, routingKey: m.fields.routingKey, content: m.content, properties: m.properties }), {
      noAck: true,
    });
    return recorder;
  }

  /** Stops recording (the queue and its bindings are deleted) and returns what was recorded. */
  async stop(): Promise<CapturedMessage[]> {
    await this.channel.deleteQueue(this.queue);
    await this.connection.close();
    return this.captured;
  }
}

/**
 * The commands a sender really sends again under a new message id: the saga re-sends a release
 * and a void when what they undo shows up late (`resend` in order-saga.transition.ts). No other
 * command is ever sent twice, so no other is repeated with a fresh id (payment-service would
 * dead-letter a repeated capture of a payment voided since: PaymentNotCapturableError).
 */
export const RESENT_COMMANDS: readonly string[] = ['inventory.release', 'payment.void'];

/** What {@link replay} published. */
export interface Replayed {
  /** Copies with the original message id: each must be dropped by the consumer's inbox. */
  readonly sameId: number;
  /** Re-sent commands again with a fresh message id: each must be answered idempotently (and its answer ignored as stale). */
  readonly freshId: number;
}

/**
 * Publishes `messages` again to their original exchange and routing key, in an order shuffled by
 * `random`, with their original properties and headers:
 * - every message with its own message id, as a broker redelivers it: the inbox must drop it;
 * - each of the {@link RESENT_COMMANDS} once more with a fresh id (property and `message-id`
 *   header), as the saga re-sends it: the replier must answer it again without a second effect,
 *   and the saga must take that answer as stale. Replies get no fresh-id copies: each is
 *   published once, by its replier's outbox, so a reply only ever comes again as the same message.
 * Publishing is confirmed and `mandatory`: a copy no service queue is bound for comes back, and
 * fails the replay.
 */
export async function replay(amqpUrl: string, messages: readonly CapturedMessage[], random: () => number): Promise<Replayed> {
  const repeats = messages.filter((m) => m.exchange === 'oms.commands' && RESENT_COMMANDS.includes(m.routingKey)).map(withFreshId);
  const copies = [...messages, ...repeats];
  const connection = await amqp.connect(amqpUrl);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createConfirmChannel();
    const returned: string[] = [];
    channel.on('return', (m: ConsumeMessage) => returned.push(`${m.fields.exchange} ${m.fields.routingKey} ${String(m.properties.messageId)}`));
    for (const copy of shuffled(copies, random)) {
      channel.publish(copy.exchange, copy.routingKey, copy.content, { ...publishOptions(copy.properties), mandatory: true });
    }
    await channel.waitForConfirms();
    if (returned.length > 0) throw new Error(`${returned.length} replayed copies reached no service queue: ${returned.slice(0, 5).join('; ')}`);
    return { sameId: messages.length, freshId: repeats.length };
  } finally {
    await connection.close();
  }
}

function withFreshId(message: CapturedMessage): CapturedMessage {
  const messageId = randomUUID();
  const headers = { ...message.properties.headers };
  if ('message-id' in headers) headers['message-id'] = messageId;
  return { ...message, properties: { ...message.properties, messageId, headers } };
}

/** The consumed message's properties as publish options, leaving out those not set. */
function publishOptions(p: ConsumeMessage['properties']): Options.Publish {
  const options: Options.Publish = {
    contentType: p.contentType,
    contentEncoding: p.contentEncoding,
    headers: p.headers,
    deliveryMode: p.deliveryMode,
    priority: p.priority,
    correlationId: p.correlationId,
    replyTo: p.replyTo,
    expiration: p.expiration,
    messageId: p.messageId,
    timestamp: p.timestamp,
    type: p.type,
    userId: p.userId,
    appId: p.appId,
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Options.Publish;
}
