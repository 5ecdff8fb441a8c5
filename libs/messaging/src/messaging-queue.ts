/** A binding of a queue to a topic exchange. */
export interface QueueBinding {
  readonly exchange: string;
  /** Topic pattern: `*` one word, `#` zero or more. */
  readonly pattern: string;
}

/** A queue a service consumes, with what feeds it. */
export interface MessagingQueue {
  /** e.g. `inventory-service.commands`. */
  readonly name: string;
  readonly bindings: readonly QueueBinding[];
  /** Messages handled at once (AMQP prefetch; in-process concurrency). Default 16. */
  readonly prefetch?: number;
}

/** The exchanges of docs/messaging.md. */
export const DEFAULT_EXCHANGES: readonly string[] = ['oms.commands', 'oms.replies', 'oms.events'];
/** Where retry copies are published; each `<queue>.retry.<n>` is bound to it by its own name. */
export const DEFAULT_RETRY_EXCHANGE = 'oms.retry';
/** Where dead letters go; each `<queue>.dlq` is bound to it with the main queue's name. */
export const DEFAULT_DEAD_LETTER_EXCHANGE = 'oms.dlx';
/** Backoff before the 2nd, 3rd and 4th attempt; after the 4th the message is dead-lettered. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 5000, 30_000];
export const DEFAULT_PREFETCH = 16;
/** Broker-side redeliveries (crashes, requeues) a quorum queue allows before dead-lettering. */
export const DEFAULT_DELIVERY_LIMIT = 10;

/** Name of the n-th (1-based) retry queue of `queue`. */
export function retryQueueName(queue: string, n: number): string {
  return `${queue}.retry.${n}`;
}

/** Name of the dead-letter queue of `queue`. */
export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

/** Checks the retry delays: finite, non-negative integers of milliseconds. */
export function assertRetryDelays(delays: readonly number[]): readonly number[] {
  for (const delay of delays) {
    if (!Number.isInteger(delay) || delay < 0) throw new Error(`retry delays must be non-negative integers of ms, got ${delay}`);
  }
  return delays;
}

/**
 * Exchanges whose messages are broadcast events: a message nobody subscribes to is delivered to
 * no one, which is not a failure (commands and replies, in contrast, are published `mandatory`).
 */
export const BROADCAST_EXCHANGES: readonly string[] = ['oms.events'];

export function isBroadcast(exchange: string): boolean {
  return BROADCAST_EXCHANGES.includes(exchange);
}
