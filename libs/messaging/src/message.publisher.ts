/** A message as the relay hands it to a publisher: an outbox row. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly exchange: string;
  readonly routingKey: string;
  /** The JSON body, serialised by the publisher. */
  readonly payload: unknown;
  /** String headers (`message-id`, `x-correlation-id`, `schema-version`, ...). */
  readonly headers: Readonly<Record<string, string>>;
  readonly aggregateId?: string;
  /** When the message was written; the AMQP `timestamp`. Defaults to now. */
  readonly createdAt?: Date;
}

/** Outcome of one message of a batch. */
export type PublishResult =
  | { readonly messageId: string; readonly ok: true }
  | { readonly messageId: string; readonly ok: false; readonly reason: string };

/**
 * Publishes a batch of messages and says, per message, whether the broker took responsibility
 * for it (RabbitMQ: confirmed and routed to at least one queue). A message reported `ok` may be
 * forgotten by the caller; any other outcome means "publish it again later". Never throws for a
 * message-level failure: results come back in the batch's order.
 */
export abstract class MessagePublisher {
  abstract publish(batch: readonly PublishedMessage[]): Promise<PublishResult[]>;

  /** Releases what the publisher holds (connections, channels). */
  async close(): Promise<void> {}
}

/** A failed result. */
export function publishFailed(message: Pick<PublishedMessage, 'messageId'>, reason: string): PublishResult {
  return { messageId: message.messageId, ok: false, reason };
}

/** A successful result. */
export function publishOk(message: Pick<PublishedMessage, 'messageId'>): PublishResult {
  return { messageId: message.messageId, ok: true };
}
