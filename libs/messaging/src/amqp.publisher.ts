import { isBroadcast } from './messaging-queue.js';
import { Logger, type LoggerService } from '@nestjs/common';
import type { ConfirmChannel, Message, Options } from 'amqplib';
import { connectAmqp } from './amqp.connection.js';
import { MessageHeaders } from './messaging.headers.js';
import { MessagePublisher, publishFailed, publishOk, type PublishedMessage, type PublishResult } from './message.publisher.js';

/** What the publisher needs of a connection: amqplib's recovering connection, or a test double. */
export interface ConfirmChannelSource {
  createConfirmChannel(): Promise<ConfirmChannel>;
  close(): Promise<void>;
}

/** A message already encoded for AMQP (retry and dead-letter copies keep the original body). */
export interface RawAmqpMessage {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  /** Must carry a `messageId`: returns are matched by it. `mandatory` is set except on broadcast exchanges. */
  readonly properties: Options.Publish & { messageId: string };
}

/** Options of {@link AmqpPublisher}: a URL (the publisher opens and owns a connection) or a connection. */
export interface AmqpPublisherOptions {
  readonly url?: string;
  readonly connection?: ConfirmChannelSource;
  /** `connection_name` of the connection opened from `url`. */
  readonly connectionName?: string;
  /** How long a message may wait for its broker confirm (default 10 s): then it fails. */
  readonly confirmTimeoutMs?: number;
  readonly logger?: LoggerService;
}

interface ChannelState {
  readonly channel: ConfirmChannel;
  /** Message ids returned as unroutable and not yet matched with their confirm. */
  readonly returned: Map<string, number>;
  /** Callbacks of messages waiting for a confirm, failed all at once if the channel closes. */
  readonly waiting: Set<(reason: string) => void>;
  closed: boolean;
  closeReason: string;
}

/**
 * Publishes over a RabbitMQ confirm channel: persistent, `mandatory`, JSON, with the properties
 * docs/messaging.md lists (`messageId`, `correlationId`, `type` = routing key, `timestamp`,
 * `contentType`, headers). A message is `ok` only on its broker ack; a nack, a `basic.return`
 * (unroutable: RabbitMQ sends it before the ack, matched by message id), a closed channel, an
 * unreachable broker or no confirm within `confirmTimeoutMs` make it fail. The connection
 * recovers by itself (amqplib); a broken channel is replaced on the next batch.
 */
export class AmqpPublisher extends MessagePublisher {
  private readonly logger: LoggerService;
  private readonly confirmTimeoutMs: number;
  private connection?: Promise<ConfirmChannelSource>;
  private readonly ownsConnection: boolean;
  private state?: Promise<ChannelState>;
  private closed = false;

  constructor(private readonly options: AmqpPublisherOptions) {
    super();
    if (!options.url === !options.connection) throw new Error('AmqpPublisher needs exactly one of url and connection');
    this.logger = options.logger ?? new Logger(AmqpPublisher.name);
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
    this.ownsConnection = !options.connection;
    if (options.connection) this.connection = Promise.resolve(options.connection);
  }

  async publish(batch: readonly PublishedMessage[]): Promise<PublishResult[]> {
    return this.publishRaw(batch.map(encode));
  }

  /** Publishes pre-encoded messages with the same confirm handling as {@link publish}. */
  async publishRaw(batch: readonly RawAmqpMessage[]): Promise<PublishResult[]> {
    if (batch.length === 0) return [];
    const ids = batch.map((m) => ({ messageId: m.properties.messageId }));
    if (this.closed) return ids.map((m) => publishFailed(m, 'publisher closed'));
    let state: ChannelState;
    try {
      state = await withTimeout(this.channel(), this.confirmTimeoutMs, 'no broker channel');
    } catch (error) {
      return ids.map((m) => publishFailed(m, `broker unavailable: ${errorText(error)}`));
    }
    const results = await Promise.all(batch.map((message) => this.publishOne(state, message)));
    if (results.some((r) => !r.ok && r.reason.startsWith('confirm timeout'))) {
      // Late confirms of a stalled channel must not be matched with future messages: start afresh.
      this.discard(state, 'confirm timeout');
    }
    return results;
  }

  override async close(): Promise<void> {
    this.closed = true;
    const state = await this.state?.catch(() => undefined);
    if (state) this.discard(state, 'publisher closed');
    if (this.ownsConnection) await (await this.connection?.catch(() => undefined))?.close().catch(() => undefined);
  }

  private publishOne(state: ChannelState, message: RawAmqpMessage): Promise<PublishResult> {
    const id = { messageId: message.properties.messageId };
    return new Promise<PublishResult>((resolve) => {
      let settled = false;
      const settle = (result: PublishResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        state.waiting.delete(onClose);
        resolve(result);
      };
      const onClose = (reason: string): void => settle(publishFailed(id, `channel closed before the confirm: ${reason}`));
      const timer = setTimeout(() => settle(publishFailed(id, `confirm timeout after ${this.confirmTimeoutMs} ms`)), this.confirmTimeoutMs);
      if (state.closed) return onClose(state.closeReason);
      state.waiting.add(onClose);
      try {
        state.channel.publish(message.exchange, message.routingKey, message.content, { ...message.properties, mandatory: !isBroadcast(message.exchange) }, (error: unknown) => {
          if (takeReturned(state, id.messageId)) {
            settle(publishFailed(id, `unroutable: no queue bound to ${message.exchange || '(default)'} for ${message.routingKey}`));
          } else if (error) {
            // amqplib reports a nack ("message nacked") and a channel that died first ("channel closed") alike.
            settle(publishFailed(id, `not confirmed: ${errorText(error)}${state.closeReason ? ` (${state.closeReason})` : ''}`));
          } else {
            settle(publishOk(id));
          }
        });
      } catch (error) {
        settle(publishFailed(id, `publish failed: ${errorText(error)}`));
      }
    });
  }

  /** The live channel, or a new one; concurrent callers share one opening. */
  private channel(): Promise<ChannelState> {
    const previous = this.state ?? Promise.reject(new Error('no channel yet'));
    const next = previous.then(
      (state) => (state.closed ? this.openChannel() : state),
      () => this.openChannel(),
    );
    this.state = next;
    // Not awaited by anyone if the batch that asked for it timed out; it is reused by the next.
    next.catch(() => undefined);
    return next;
  }

  private async openChannel(): Promise<ChannelState> {
    this.connection ??= connectAmqp({ url: this.options.url!, name: this.options.connectionName ?? 'oms:publisher', logger: this.logger });
    const connection = await this.connection.catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    const channel = await connection.createConfirmChannel();
    const state: ChannelState = { channel, returned: new Map(), waiting: new Set(), closed: false, closeReason: '' };
    channel.on('return', (returned: Message) => {
      const id = returned.properties.messageId as string | undefined;
      if (id) state.returned.set(id, (state.returned.get(id) ?? 0) + 1);
    });
    channel.on('error', (error: Error) => {
      state.closeReason = error.message;
      this.logger.warn?.({ err: error }, 'AMQP publisher channel error');
    });
    channel.on('close', () => this.markClosed(state, state.closeReason || 'channel closed'));
    if (this.closed) this.discard(state, 'publisher closed');
    return state;
  }

  private markClosed(state: ChannelState, reason: string): void {
    if (state.closed) return;
    state.closed = true;
    state.closeReason = reason;
    for (const fail of [...state.waiting]) fail(reason);
  }

  private discard(state: ChannelState, reason: string): void {
    this.markClosed(state, reason);
    state.channel.close().catch(() => undefined);
  }
}

/** The wire form of an outbox message, with the properties docs/messaging.md lists. */
function encode(message: PublishedMessage): RawAmqpMessage {
  return {
    exchange: message.exchange,
    routingKey: message.routingKey,
    content: Buffer.from(JSON.stringify(message.payload) ?? 'null'),
    properties: {
      persistent: true,
      contentType: 'application/json',
      messageId: message.messageId,
      correlationId: message.headers[MessageHeaders.correlationId],
      type: message.routingKey,
      timestamp: Math.floor((message.createdAt ?? new Date()).getTime() / 1000),
      headers: { ...message.headers },
    },
  };
}

function takeReturned(state: ChannelState, messageId: string): boolean {
  const count = state.returned.get(messageId);
  if (!count) return false;
  if (count === 1) state.returned.delete(messageId);
  else state.returned.set(messageId, count - 1);
  return true;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
