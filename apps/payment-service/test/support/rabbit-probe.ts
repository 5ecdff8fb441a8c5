import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';

/** The broker of these specs: `AMQP_URL`, else the local RabbitMQ. */
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A received message: routing key, headers and JSON body. */
export interface Received {
  readonly routingKey: string;
  readonly messageId?: string;
  readonly headers: Record<string, unknown>;
  readonly body: Record<string, any>;
}

/**
 * The saga's side of the wire, for tests: publishes commands to `oms.commands` like order-service's
 * relay does, and collects replies from an exclusive queue bound on `oms.replies`.
 */
export class RabbitProbe {
  readonly received: Received[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async open(replyPattern: string): Promise<RabbitProbe> {
    const connection = await connect(AMQP_URL, { clientProperties: { connection_name: 'oms:payment-e2e-probe' } });
    const channel = await connection.createChannel();
    const probe = new RabbitProbe(connection, channel);
    await channel.assertExchange('oms.replies', 'topic', { durable: true });
    const { queue } = await channel.assertQueue(`payment-e2e-replies-${randomUUID()}`, { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, 'oms.replies', replyPattern);
    await channel.consume(queue, (message) => message && probe.keep(message), { noAck: true });
    return probe;
  }

  /** Publishes a command with the properties and headers every OMS message carries. */
  publish(routingKey: string, payload: unknown, messageId = randomUUID(), correlationId = randomUUID()): string {
    this.channel.publish('oms.commands', routingKey, Buffer.from(JSON.stringify(payload)), {
      messageId,
      correlationId,
      type: routingKey,
      contentType: 'application/json',
      persistent: true,
      timestamp: Math.floor(Date.now() / 1000),
      headers: { 'message-id': messageId, 'x-correlation-id': correlationId, 'schema-version': '1' },
    });
    return messageId;
  }

  /** Messages waiting in `queue` (e.g. a dead-letter queue) that satisfy `match`, taken off the queue. */
  async take(queue: string, match: (m: Received) => boolean): Promise<Received[]> {
    const found: Received[] = [];
    for (let message = await this.channel.get(queue); message; message = await this.channel.get(queue)) {
      const received = toReceived(message);
      if (match(received)) {
        found.push(received);
        this.channel.ack(message);
      } else {
        this.channel.nack(message, false, true);
        break;
      }
    }
    return found;
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private keep(message: ConsumeMessage): void {
    this.received.push(toReceived(message));
  }
}

function toReceived(message: { fields: { routingKey: string }; properties: { messageId?: string; headers?: Record<string, unknown> }; content: Buffer }): Received {
  return {
    routingKey: message.fields.routingKey,
    messageId: message.properties.messageId,
    headers: message.properties.headers ?? {},
    body: JSON.parse(message.content.toString('utf8')) as Record<string, any>,
  };
}
