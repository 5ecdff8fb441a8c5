import type { Channel } from 'amqplib';
import {
  assertRetryDelays,
  DEFAULT_DEAD_LETTER_EXCHANGE,
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_EXCHANGES,
  DEFAULT_RETRY_DELAYS_MS,
  DEFAULT_RETRY_EXCHANGE,
  deadLetterQueueName,
  retryQueueName,
  type MessagingQueue,
} from './messaging-queue.js';

/** What {@link declareTopology} declares. */
export interface TopologyOptions {
  /** Durable topic exchanges (default `oms.commands`, `oms.replies`, `oms.events`). */
  readonly exchanges?: readonly string[];
  readonly queues: readonly MessagingQueue[];
  /** One retry queue per delay, per queue (default 1 s, 5 s, 30 s). */
  readonly retryDelaysMs?: readonly number[];
  readonly retryExchange?: string;
  readonly deadLetterExchange?: string;
  /** Broker redeliveries before a quorum queue dead-letters a message (default 10). */
  readonly deliveryLimit?: number;
}

/**
 * Declares the RabbitMQ topology of docs/messaging.md, idempotently (every replica runs it at
 * every start; declarations with the same arguments are no-ops):
 * - the topic exchanges, and the direct exchanges for retries and dead letters;
 * - per queue: a quorum queue (`x-delivery-limit`, dead-lettering to the DLX with the queue's
 *   name as routing key) with its bindings; `<queue>.dlq`, a classic durable queue bound to the
 *   DLX; and `<queue>.retry.<n>` per delay, a quorum queue bound to the retry exchange by its own
 *   name, whose `x-message-ttl` expires messages back into the main queue through the default
 *   exchange.
 * Quorum queues dead-letter `at-least-once` (3.10+; needs `x-overflow: reject-publish`), so a
 * message moving between queues is not lost if a node fails halfway.
 *
 * A queue that exists with other arguments (e.g. a changed delay) makes RabbitMQ close the
 * channel with PRECONDITION_FAILED; the error says which queue to delete or rename. Bindings
 * removed from code stay on the broker until removed by hand.
 */
export async function declareTopology(channel: Channel, options: TopologyOptions): Promise<void> {
  const retryExchange = options.retryExchange ?? DEFAULT_RETRY_EXCHANGE;
  const dlx = options.deadLetterExchange ?? DEFAULT_DEAD_LETTER_EXCHANGE;
  const delays = assertRetryDelays(options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS);
  const deliveryLimit = options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT;
  const step = async <T>(what: string, action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      throw new Error(`declaring ${what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };

  for (const exchange of options.exchanges ?? DEFAULT_EXCHANGES) {
    await step(`exchange ${exchange}`, () => channel.assertExchange(exchange, 'topic', { durable: true }));
  }
  await step(`exchange ${retryExchange}`, () => channel.assertExchange(retryExchange, 'direct', { durable: true }));
  await step(`exchange ${dlx}`, () => channel.assertExchange(dlx, 'direct', { durable: true }));

  for (const queue of options.queues) {
    await step(`queue ${queue.name}`, () =>
      channel.assertQueue(queue.name, {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-delivery-limit': deliveryLimit,
          'x-dead-letter-exchange': dlx,
          'x-dead-letter-routing-key': queue.name,
          'x-dead-letter-strategy': 'at-least-once',
          'x-overflow': 'reject-publish',
        },
      }),
    );
    for (const binding of queue.bindings) {
      await step(`binding ${queue.name} <- ${binding.exchange} ${binding.pattern}`, () => channel.bindQueue(queue.name, binding.exchange, binding.pattern));
    }
    const dlq = deadLetterQueueName(queue.name);
    await step(`queue ${dlq}`, () => channel.assertQueue(dlq, { durable: true }));
    await step(`binding ${dlq} <- ${dlx}`, () => channel.bindQueue(dlq, dlx, queue.name));
    for (const [index, delay] of delays.entries()) {
      const retry = retryQueueName(queue.name, index + 1);
      await step(`queue ${retry}`, () =>
        channel.assertQueue(retry, {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-message-ttl': delay,
            'x-dead-letter-exchange': '',
            'x-dead-letter-routing-key': queue.name,
            'x-dead-letter-strategy': 'at-least-once',
            'x-overflow': 'reject-publish',
          },
        }),
      );
      await step(`binding ${retry} <- ${retryExchange}`, () => channel.bindQueue(retry, retryExchange, retry));
    }
  }
}

/** Every queue {@link declareTopology} creates for `queues` (for cleanup and operators' tooling). */
export function topologyQueueNames(queues: readonly MessagingQueue[], retryDelaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS): string[] {
  return queues.flatMap((q) => [q.name, deadLetterQueueName(q.name), ...retryDelaysMs.map((_, i) => retryQueueName(q.name, i + 1))]);
}
