import type { DeliveryOutcome, IncomingDelivery } from './delivery.pipeline.js';
import type { InProcessBroker, InProcessDelivery } from './in-process.broker.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { MessageHeaders } from './messaging.headers.js';
import { DEFAULT_PREFETCH, type MessagingQueue } from './messaging-queue.js';
import { MessagingServer, type MessagingTransportOptions } from './messaging.server.js';

/** Options of an {@link InProcessTransport}. */
export interface InProcessTransportOptions extends MessagingTransportOptions {
  readonly broker: InProcessBroker;
}

/**
 * The AMQP transport's twin for the all-in-one process: the same handlers, inbox, transaction,
 * retry delays and dead-letter rules over an {@link InProcessBroker}. A first attempt runs while
 * the relay's publish waits, so the outbox row is marked published only once the handler
 * committed, scheduled a retry or dead-lettered. Retries wait on timers (attempt n+1 after the
 * n-th delay); dead letters go to the broker's in-memory list.
 *
 * Unlike RabbitMQ, retries pending in memory do not survive the process: `close()` reports each
 * one it drops. That is the price of the zero-install mode; run with RabbitMQ when it matters.
 */
export class InProcessTransport extends MessagingServer {
  private readonly cancels: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly pendingRetries = new Map<NodeJS.Timeout, InProcessDelivery>();
  private closing = false;
  private closed?: Promise<void>;

  constructor(private readonly options: InProcessTransportOptions) {
    super(options);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const queue of this.options.queues) {
        this.options.broker.declareQueue(queue.name, queue.bindings);
        const serializer = new KeyedSerializer(queue.prefetch ?? DEFAULT_PREFETCH);
        this.cancels.push(this.options.broker.consume(queue.name, (delivery) => this.accept(queue, serializer, delivery)));
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops taking messages, waits for handlers in flight, drops (and reports) pending retries. */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  unwrap<T>(): T {
    return this.options.broker as T;
  }

  /** One delivery from the broker: resolves when it is taken care of, rejects if refused. */
  private accept(queue: MessagingQueue, serializer: KeyedSerializer, delivery: InProcessDelivery): Promise<void> {
    // Refused while closing: the publish fails and the relay tries again later (or elsewhere).
    if (this.closing) return Promise.reject(new Error(`consumer ${this.options.consumer} is shutting down`));
    const work = serializer.run(delivery.headers[MessageHeaders.aggregateId], () => this.attempt(queue, serializer, delivery));
    this.track(work);
    return work;
  }

  private async attempt(queue: MessagingQueue, serializer: KeyedSerializer, delivery: InProcessDelivery): Promise<void> {
    const outcome = await this.pipeline.process(toIncoming(delivery));
    if (outcome.kind === 'retry') this.scheduleRetry(queue, serializer, delivery, outcome);
    else if (outcome.kind === 'dead-letter') {
      this.options.broker.deadLetter({
        queue: queue.name,
        consumer: this.options.consumer,
        delivery,
        reason: outcome.reason,
        lastError: outcome.error,
        attempts: outcome.attempt,
        at: new Date(),
      });
    }
  }

  private scheduleRetry(queue: MessagingQueue, serializer: KeyedSerializer, delivery: InProcessDelivery, outcome: Extract<DeliveryOutcome, { kind: 'retry' }>): void {
    const next: InProcessDelivery = {
      ...delivery,
      headers: { ...delivery.headers, [MessageHeaders.attempt]: String(outcome.nextAttempt), [MessageHeaders.lastError]: outcome.error.slice(0, 1000) },
    };
    const timer = setTimeout(() => {
      this.pendingRetries.delete(timer);
      const work = serializer
        .run(next.headers[MessageHeaders.aggregateId], () => this.attempt(queue, serializer, next))
        .catch((error: unknown) => this.log.error({ err: error, messageId: next.messageId }, 'in-process retry failed unexpectedly'));
      this.track(work);
    }, outcome.delayMs);
    this.pendingRetries.set(timer, next);
  }

  private track(work: Promise<unknown>): void {
    const settled = work.catch(() => undefined);
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    for (const cancel of this.cancels.splice(0)) cancel();
    for (const [timer, delivery] of this.pendingRetries) {
      clearTimeout(timer);
      this.log.error(
        { consumer: this.options.consumer, queue: delivery.queue, messageId: delivery.messageId, routingKey: delivery.routingKey, body: delivery.body },
        'in-process retry dropped at shutdown',
      );
    }
    this.pendingRetries.clear();
    await this.drain(this.inFlight);
  }
}

function toIncoming(delivery: InProcessDelivery): IncomingDelivery {
  return {
    queue: delivery.queue,
    exchange: delivery.exchange,
    routingKey: delivery.routingKey,
    messageId: delivery.messageId,
    headers: delivery.headers,
    body: delivery.body,
    redelivered: false,
    timestamp: delivery.timestamp,
  };
}
