import type { Channel, ChannelModel, ConsumeMessage, RecoveringChannelModel } from 'amqplib';
import { v7 as uuidv7 } from 'uuid';
import { connectAmqp } from './amqp.connection.js';
import { AmqpPublisher, type RawAmqpMessage } from './amqp.publisher.js';
import { declareTopology } from './amqp.topology.js';
import type { DeliveryOutcome, IncomingDelivery } from './delivery.pipeline.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { MessageHeaders } from './messaging.headers.js';
import {
  DEFAULT_DEAD_LETTER_EXCHANGE,
  DEFAULT_PREFETCH,
  DEFAULT_RETRY_EXCHANGE,
  retryQueueName,
  type MessagingQueue,
} from './messaging-queue.js';
import { MessagingServer, type TransportStatus, type MessagingTransportOptions } from './messaging.server.js';

/** Options of an {@link AmqpTransport}. */
export interface AmqpTransportOptions extends MessagingTransportOptions {
  readonly url: string;
  /** Topic exchanges declared at `listen()` (default `oms.commands`, `oms.replies`, `oms.events`). */
  readonly exchanges?: readonly string[];
  readonly retryExchange?: string;
  readonly deadLetterExchange?: string;
  readonly deliveryLimit?: number;
  /** Confirm timeout of retry and dead-letter copies (default 10 s). */
  readonly confirmTimeoutMs?: number;
  /** `connection_name` shown by RabbitMQ (default `oms:<consumer>:consumer`). */
  readonly connectionName?: string;
}

const LAST_ERROR_MAX = 1000;
const BROKER_HEADERS = /^x-(death|first-death-|last-death-|delivery-count)/;
/** Pause before handing back a message whose retry or dead-letter copy could not be published. */
const REQUEUE_PAUSE_MS = 1000;

interface Subscription {
  readonly channel: Channel;
  readonly consumerTag: string;
}

/**
 * Consumes RabbitMQ queues for Nest `@EventPattern` handlers (a custom transport strategy:
 * `app.connectMicroservice({ strategy })`), with the guarantees Nest's own RMQ transport lacks:
 * - topology declared at `listen()` and again after every reconnection ({@link declareTopology});
 * - manual acks only, bounded prefetch (per queue, default 16), one aggregate's messages one at a
 *   time (`x-aggregate-id`);
 * - each delivery through the {@link DeliveryPipeline}: inbox + handler in one transaction, ack
 *   only after the commit;
 * - a failed attempt n is republished (with confirm) to `<queue>.retry.<n>`, whose TTL sends it
 *   back, with `x-attempt: n+1`, and the original is acked; after the last delay, or at once for
 *   a permanent failure, it is republished to `<queue>.dlq` through the DLX with `x-death-reason`
 *   and `x-last-error`. If that republish fails the original is requeued instead (the quorum
 *   queue's delivery limit bounds that loop);
 * - connection loss: amqplib reconnects, consumers are re-created; unacked messages are
 *   redelivered by the broker and deduplicated by the inbox;
 * - `close()`: cancel the consumers, wait for handlers in flight, then close the channels.
 */
export class AmqpTransport extends MessagingServer {
  private connection?: RecoveringChannelModel;
  private publisher?: AmqpPublisher;
  private subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly serializers = new Map<string, KeyedSerializer>();
  private closing = false;
  private closed?: Promise<void>;
  private brokerStatus: TransportStatus = { connected: false, reason: 'not listening yet' };

  constructor(private readonly options: AmqpTransportOptions) {
    super(options);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.connection = await connectAmqp({
        url: this.options.url,
        name: this.options.connectionName ?? `oms:${this.options.consumer}:consumer`,
        setup: (model) => this.setup(model),
        logger: this.log,
      });
      this.brokerStatus = { connected: true };
      // 'connect' follows a successful setup (topology declared, consumers subscribed).
      this.connection.on('connect', () => (this.brokerStatus = { connected: true }));
      this.connection.on('disconnect', (error: Error) => (this.brokerStatus = { connected: false, reason: `connection lost: ${error.message}` }));
      this.publisher = new AmqpPublisher({ connection: this.connection, confirmTimeoutMs: this.options.confirmTimeoutMs, logger: this.log });
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Resolves once consumers are cancelled, handlers drained and the connection closed. */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  connectionStatus(): TransportStatus {
    return this.closing ? { connected: false, reason: 'closing' } : this.brokerStatus;
  }

  unwrap<T>(): T {
    if (!this.connection) throw new Error('AmqpTransport is not listening');
    return this.connection as T;
  }

  /** Runs on every (re)connection, before the connection is considered up. */
  private async setup(model: ChannelModel): Promise<void> {
    if (this.closing) throw new Error('transport closing');
    const admin = await model.createChannel();
    admin.on('error', () => undefined);
    await declareTopology(admin, {
      exchanges: this.options.exchanges,
      queues: this.options.queues,
      retryDelaysMs: this.retryDelaysMs,
      retryExchange: this.options.retryExchange,
      deadLetterExchange: this.options.deadLetterExchange,
      deliveryLimit: this.options.deliveryLimit,
    });
    await admin.close();
    const subscriptions: Subscription[] = [];
    for (const queue of this.options.queues) subscriptions.push(await this.subscribe(model, queue));
    this.subscriptions = subscriptions;
  }

  private async subscribe(model: ChannelModel, queue: MessagingQueue): Promise<Subscription> {
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => this.log.warn?.({ err: error, queue: queue.name }, 'AMQP consumer channel error'));
    // A consumer channel closed under us (not by close()): reconnect everything, which
    // re-declares and re-subscribes. Closing the model makes amqplib's recovery take over.
    channel.on('close', () => {
      if (!this.closing && this.subscriptions.some((s) => s.channel === channel)) {
        this.log.warn?.({ queue: queue.name }, 'AMQP consumer channel closed; reconnecting');
        model.close().catch(() => undefined);
      }
    });
    await channel.prefetch(queue.prefetch ?? DEFAULT_PREFETCH);
    const { consumerTag } = await channel.consume(queue.name, (message) => this.onMessage(model, queue, channel, message), { noAck: false });
    return { channel, consumerTag };
  }

  private onMessage(model: ChannelModel, queue: MessagingQueue, channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer (queue deleted, ...): reconnect and re-declare.
      if (!this.closing) model.close().catch(() => undefined);
      return;
    }
    if (this.closing) {
      // Delivered before our cancel took effect: give it back now rather than at channel close.
      safely(() => channel.nack(message, false, true));
      return;
    }
    const delivery = toDelivery(queue.name, message);
    let serializer = this.serializers.get(queue.name);
    if (!serializer) this.serializers.set(queue.name, (serializer = new KeyedSerializer()));
    const work = serializer
      .run(delivery.headers[MessageHeaders.aggregateId], () => this.handle(channel, message, delivery))
      .catch((error: unknown) => this.log.error({ err: error, queue: queue.name }, 'delivery handling failed unexpectedly'));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(channel: Channel, message: ConsumeMessage, delivery: IncomingDelivery): Promise<void> {
    const outcome = await this.pipeline.process(delivery);
    if (outcome.kind === 'handled') return ack(channel, message);
    const copy = outcome.kind === 'retry' ? this.retryCopy(message, delivery, outcome) : this.deadLetterCopy(message, delivery, outcome);
    const [result] = await this.publisher!.publishRaw([copy]);
    if (result!.ok) return ack(channel, message);
    this.log.error({ queue: delivery.queue, messageId: delivery.messageId, reason: result!.ok ? '' : result!.reason }, `could not publish the ${outcome.kind} copy; requeueing the message`);
    if (!this.closing) await new Promise((resolve) => setTimeout(resolve, REQUEUE_PAUSE_MS));
    safely(() => channel.nack(message, false, true));
  }

  private retryCopy(message: ConsumeMessage, delivery: IncomingDelivery, outcome: Extract<DeliveryOutcome, { kind: 'retry' }>): RawAmqpMessage {
    const retryQueue = retryQueueName(delivery.queue, outcome.retryIndex);
    return this.copy(message, delivery, this.options.retryExchange ?? DEFAULT_RETRY_EXCHANGE, retryQueue, {
      [MessageHeaders.attempt]: String(outcome.nextAttempt),
      [MessageHeaders.lastError]: outcome.error.slice(0, LAST_ERROR_MAX),
    });
  }

  private deadLetterCopy(message: ConsumeMessage, delivery: IncomingDelivery, outcome: Extract<DeliveryOutcome, { kind: 'dead-letter' }>): RawAmqpMessage {
    return this.copy(message, delivery, this.options.deadLetterExchange ?? DEFAULT_DEAD_LETTER_EXCHANGE, delivery.queue, {
      [MessageHeaders.attempt]: String(outcome.attempt),
      [MessageHeaders.deathReason]: outcome.reason,
      [MessageHeaders.lastError]: outcome.error.slice(0, LAST_ERROR_MAX),
      [MessageHeaders.consumer]: this.options.consumer,
    });
  }

  /** The message as published again: same body and properties, where it first went, plus `extra`. */
  private copy(message: ConsumeMessage, delivery: IncomingDelivery, exchange: string, routingKey: string, extra: Record<string, string>): RawAmqpMessage {
    const p = message.properties;
    return {
      exchange,
      routingKey,
      content: message.content,
      properties: {
        persistent: true,
        contentType: p.contentType as string | undefined,
        messageId: (p.messageId as string | undefined) || delivery.headers[MessageHeaders.messageId] || uuidv7(),
        correlationId: p.correlationId as string | undefined,
        type: p.type as string | undefined,
        timestamp: p.timestamp as number | undefined,
        headers: {
          ...delivery.headers,
          [MessageHeaders.originalRoutingKey]: delivery.headers[MessageHeaders.originalRoutingKey] ?? delivery.routingKey,
          [MessageHeaders.originalExchange]: delivery.headers[MessageHeaders.originalExchange] ?? delivery.exchange,
          ...extra,
        },
      },
    };
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    await Promise.all(this.subscriptions.map((s) => s.channel.cancel(s.consumerTag).catch(() => undefined)));
    await this.drain(this.inFlight);
    await this.publisher?.close();
    await Promise.all(this.subscriptions.map((s) => s.channel.close().catch(() => undefined)));
    this.subscriptions = [];
    await this.connection?.close().catch(() => undefined);
  }
}

function toDelivery(queue: string, message: ConsumeMessage): IncomingDelivery {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries((message.properties.headers ?? {}) as Record<string, unknown>)) {
    // Handlers see the string headers the outbox wrote; the broker's own bookkeeping (x-death
    // tables, x-first-death-*, x-delivery-count) is left out, and so out of retry copies.
    if (BROKER_HEADERS.test(key)) continue;
    if (typeof value === 'string') headers[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') headers[key] = String(value);
  }
  const timestamp = message.properties.timestamp as number | undefined;
  return {
    queue,
    exchange: message.fields.exchange,
    routingKey: message.fields.routingKey,
    messageId: message.properties.messageId as string | undefined,
    correlationId: message.properties.correlationId as string | undefined,
    headers,
    body: message.content.toString('utf8'),
    redelivered: message.fields.redelivered,
    timestamp: timestamp ? new Date(timestamp * 1000) : undefined,
  };
}

function ack(channel: Channel, message: ConsumeMessage): void {
  // On a channel that died meanwhile the ack is lost: the broker redelivers, the inbox dedupes.
  safely(() => channel.ack(message));
}

function safely(action: () => void): void {
  try {
    action();
  } catch {
    // channel already closed
  }
}
