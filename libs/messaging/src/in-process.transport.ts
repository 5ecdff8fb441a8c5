import type { DeliveryOutcome, IncomingDelivery } from './delivery.pipeline.js';
import { DeferredDeliveryStore } from './deferred-delivery.store.js';
import type { InProcessBroker, InProcessDelivery } from './in-process.broker.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { MessageHeaders } from './messaging.headers.js';
import { DEFAULT_PREFETCH, type MessagingQueue } from './messaging-queue.js';
import { MessagingServer, type MessagingTransportOptions, type TransportStatus } from './messaging.server.js';

/** Options of an {@link InProcessTransport}. */
export interface InProcessTransportOptions extends MessagingTransportOptions {
  readonly broker: InProcessBroker;
  /** How often parked retries are looked for (default 250 ms). */
  readonly retryPollMs?: number;
  /** How long a claimed retry stays invisible to other pollers (default 60 s). */
  readonly retryLeaseMs?: number;
}

const RETRY_BATCH = 50;

/**
 * The AMQP transport's twin for the all-in-one process: the same handlers, inbox, transaction,
 * retry delays and dead-letter rules over an {@link InProcessBroker}. A first attempt runs while
 * the relay's publish waits, so the outbox row is marked published only once the handler
 * committed, or the retry or dead letter was written to `deferred_deliveries`: what RabbitMQ's
 * retry and dead-letter queues hold lives in that table here, so a crash loses nothing. If that
 * write fails, the publish fails and the relay publishes the row again later. Parked retries are
 * polled, claimed with a lease, and run again (attempt n+1 after the n-th delay).
 */
export class InProcessTransport extends MessagingServer {
  private readonly cancels: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly store: DeferredDeliveryStore;
  private readonly serializers = new Map<string, KeyedSerializer>();
  private poller?: NodeJS.Timeout;
  private polling = false;
  private closing = false;
  private closed?: Promise<void>;

  constructor(private readonly options: InProcessTransportOptions) {
    super(options);
    this.store = new DeferredDeliveryStore(options.tx, options.schema, options.consumer);
  }

  /**
   * Declares this consumer's queues and bindings on the broker (idempotent). `listen` does it too;
   * MessagingModule calls it at module init, before any relay of the process starts.
   */
  declareQueues(): void {
    for (const queue of this.options.queues) this.options.broker.declareQueue(queue.name, queue.bindings);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.declareQueues();
      for (const queue of this.options.queues) {
        const serializer = new KeyedSerializer(queue.prefetch ?? DEFAULT_PREFETCH);
        this.serializers.set(queue.name, serializer);
        this.cancels.push(this.options.broker.consume(queue.name, (delivery) => this.accept(queue, serializer, delivery)));
      }
      if (this.options.queues.length > 0) {
        this.poller = setInterval(() => void this.pollRetries(), this.options.retryPollMs ?? 250);
        this.poller.unref();
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops taking messages and polling retries, and waits for handlers in flight. */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  connectionStatus(): TransportStatus {
    if (this.closing) return { connected: false, reason: 'closing' };
    return this.cancels.length > 0 || this.options.queues.length === 0 ? { connected: true } : { connected: false, reason: 'not listening yet' };
  }

  unwrap<T>(): T {
    return this.options.broker as T;
  }

  /** One delivery from the broker: resolves when it is taken care of, rejects if refused. */
  private accept(queue: MessagingQueue, serializer: KeyedSerializer, delivery: InProcessDelivery): Promise<void> {
    // Refused while closing: the publish fails and the relay tries again later (or elsewhere).
    if (this.closing) return Promise.reject(new Error(`consumer ${this.options.consumer} is shutting down`));
    const work = serializer.run(delivery.headers[MessageHeaders.aggregateId], () => this.firstAttempt(queue, delivery));
    this.track(work);
    return work;
  }

  /** Throws when the retry or dead letter could not be recorded, failing the publish. */
  private async firstAttempt(queue: MessagingQueue, delivery: InProcessDelivery): Promise<void> {
    const outcome = await this.pipeline.process(toIncoming(delivery));
    if (outcome.kind === 'retry') {
      await this.store.scheduleRetry(nextAttemptOf(delivery, outcome), outcome.nextAttempt, outcome.delayMs, outcome.error);
    } else if (outcome.kind === 'dead-letter') {
      await this.store.recordDeadLetter(delivery, outcome.attempt, outcome.reason, outcome.error);
      this.mirrorDeadLetter(queue.name, delivery, outcome);
    }
  }

  private async pollRetries(): Promise<void> {
    if (this.polling || this.closing) return;
    this.polling = true;
    try {
      const due = await this.store.claimDue(RETRY_BATCH, this.options.retryLeaseMs ?? 60_000);
      for (const { id, delivery } of due) {
        const serializer = this.serializers.get(delivery.queue);
        if (!serializer) continue; // a queue this consumer no longer has: the lease runs out, it stays visible
        const work = serializer
          .run(delivery.headers[MessageHeaders.aggregateId], () => this.retryAttempt(id, delivery))
          .catch((error: unknown) => this.log.error({ err: error, messageId: delivery.messageId }, 'in-process retry not settled; it runs again when its lease ends'));
        this.track(work);
      }
    } catch (error) {
      this.log.warn?.({ err: error, consumer: this.options.consumer }, 'could not look for due in-process retries');
    } finally {
      this.polling = false;
    }
  }

  private async retryAttempt(id: string, delivery: InProcessDelivery): Promise<void> {
    const outcome = await this.pipeline.process(toIncoming(delivery));
    if (outcome.kind === 'handled') await this.store.done(id);
    else if (outcome.kind === 'retry') {
      const next = nextAttemptOf(delivery, outcome);
      await this.store.reschedule(id, next.headers, outcome.nextAttempt, outcome.delayMs, outcome.error);
    } else {
      await this.store.bury(id, outcome.attempt, outcome.reason, outcome.error);
      this.mirrorDeadLetter(delivery.queue, delivery, outcome);
    }
  }

  /** The broker's in-memory view of dead letters (the table is the record). */
  private mirrorDeadLetter(queue: string, delivery: InProcessDelivery, outcome: Extract<DeliveryOutcome, { kind: 'dead-letter' }>): void {
    this.options.broker.deadLetter({
      queue,
      consumer: this.options.consumer,
      delivery,
      reason: outcome.reason,
      lastError: outcome.error,
      attempts: outcome.attempt,
      at: new Date(),
    });
  }

  private track(work: Promise<unknown>): void {
    const settled = work.catch(() => undefined);
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    clearInterval(this.poller);
    for (const cancel of this.cancels.splice(0)) cancel();
    await this.drain(this.inFlight);
  }
}

/** The delivery as its next attempt sees it. */
function nextAttemptOf(delivery: InProcessDelivery, outcome: Extract<DeliveryOutcome, { kind: 'retry' }>): InProcessDelivery {
  return {
    ...delivery,
    headers: { ...delivery.headers, [MessageHeaders.attempt]: String(outcome.nextAttempt), [MessageHeaders.lastError]: outcome.error.slice(0, 1000) },
  };
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
