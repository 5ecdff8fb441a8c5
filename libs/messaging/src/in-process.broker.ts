import { isBroadcast } from './messaging-queue.js';
import { AsyncResource } from 'node:async_hooks';
import type { QueueBinding } from './messaging-queue.js';
import { publishFailed, publishOk, type PublishedMessage, type PublishResult } from './message.publisher.js';
import { topicMatches } from './topic-pattern.js';


/** A message as an in-process queue hands it to its consumer: what AMQP would put on the wire. */
export interface InProcessDelivery {
  readonly queue: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON text of the payload. */
  readonly body: string;
  readonly timestamp: Date;
}

/**
 * Handles one delivery. Resolving means the consumer took responsibility for the message
 * (handled and committed, or scheduled for retry, or dead-lettered), like an AMQP ack.
 */
export type InProcessConsumer = (delivery: InProcessDelivery) => Promise<void>;

/** A message a consumer gave up on. */
export interface DeadLetter {
  readonly queue: string;
  readonly consumer: string;
  readonly delivery: InProcessDelivery;
  /** `permanent`, `retries-exhausted`, `unknown-routing-key`, `invalid-payload`, ... */
  readonly reason: string;
  readonly lastError: string;
  readonly attempts: number;
  readonly at: Date;
}

interface QueueState {
  readonly bindings: QueueBinding[];
  consumer?: { readonly fn: InProcessConsumer; readonly scope: AsyncResource };
}

/**
 * The message bus of the all-in-one process: named queues bound to topic exchanges with
 * RabbitMQ's matching rules, one consumer per queue, and the dead letters consumers give up on.
 *
 * `publish` resolves once every queue the message is routed to has had its consumer take it, so
 * an outbox row is marked published only after its consumers committed (or scheduled a retry).
 * A message routed nowhere, or to a queue that has no consumer right now, or whose consumer
 * failed, is reported failed, and the relay publishes it again later: nothing is buffered in
 * memory that the outbox does not still hold.
 *
 * One instance per process ({@link sharedInProcessBroker}) lets several service modules talk.
 */
export class InProcessBroker {
  private readonly queues = new Map<string, QueueState>();
  private readonly deadLettered: DeadLetter[] = [];

  /** Creates the queue if needed and adds the bindings it lacks (idempotent, like queue.declare + bind). */
  declareQueue(name: string, bindings: readonly QueueBinding[]): void {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = { bindings: [] }));
    for (const binding of bindings) {
      if (!queue.bindings.some((b) => b.exchange === binding.exchange && b.pattern === binding.pattern)) {
        queue.bindings.push({ exchange: binding.exchange, pattern: binding.pattern });
      }
    }
  }

  /** Removes a queue with its bindings (tests). */
  deleteQueue(name: string): void {
    this.queues.delete(name);
  }

  /**
   * Attaches the consumer of `queue` (declared beforehand). It runs in the async context of this
   * call, never in the publisher's: a relay's transaction or request context must not leak into
   * the handler. Returns the cancel function.
   */
  consume(queue: string, consumer: InProcessConsumer): () => void {
    const state = this.queues.get(queue);
    if (!state) throw new Error(`in-process queue ${queue} is not declared`);
    if (state.consumer) throw new Error(`in-process queue ${queue} already has a consumer`);
    const entry = { fn: consumer, scope: new AsyncResource('InProcessBroker.consumer') };
    state.consumer = entry;
    return () => {
      if (state.consumer === entry) state.consumer = undefined;
    };
  }

  /** Routes one message and waits for every consumer it reaches. */
  async publish(message: PublishedMessage): Promise<PublishResult> {
    const targets = [...this.queues.entries()].filter(([, q]) =>
      q.bindings.some((b) => b.exchange === message.exchange && topicMatches(b.pattern, message.routingKey)),
    );
    if (targets.length === 0) {
      return isBroadcast(message.exchange)
        ? publishOk(message)
        : publishFailed(message, `unroutable: no queue bound to ${message.exchange} for ${message.routingKey}`);
    }
    const idle = targets.filter(([, q]) => !q.consumer).map(([name]) => name);
    if (idle.length > 0) return publishFailed(message, `no consumer on queue ${idle.join(', ')}`);
    let body: string;
    try {
      body = JSON.stringify(message.payload) ?? 'null';
    } catch (error) {
      return publishFailed(message, `payload is not JSON: ${String(error)}`);
    }
    const outcomes = await Promise.allSettled(
      targets.map(([queue, state]) => {
        const delivery: InProcessDelivery = {
          queue,
          exchange: message.exchange,
          routingKey: message.routingKey,
          messageId: message.messageId,
          headers: { ...message.headers },
          body,
          timestamp: message.createdAt ?? new Date(),
        };
        const { fn, scope } = state.consumer!;
        return scope.runInAsyncScope(() => fn(delivery));
      }),
    );
    const failures = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`${targets[i]![0]}: ${errorText(o.reason)}`] : []));
    return failures.length === 0 ? publishOk(message) : publishFailed(message, `consumer failed: ${failures.join('; ')}`);
  }

  /** Records a dead letter (called by the in-process transport). */
  deadLetter(letter: DeadLetter): void {
    this.deadLettered.push(letter);
  }

  /** Dead letters so far, oldest first, optionally of one queue. */
  deadLetters(queue?: string): readonly DeadLetter[] {
    return queue === undefined ? [...this.deadLettered] : this.deadLettered.filter((d) => d.queue === queue);
  }

  /** Names of the declared queues (metrics, tests). */
  queueNames(): string[] {
    return [...this.queues.keys()];
  }
}

let shared: InProcessBroker | undefined;

/** The process-wide broker every in-process messaging module uses unless given another. */
export function sharedInProcessBroker(): InProcessBroker {
  shared ??= new InProcessBroker();
  return shared;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
