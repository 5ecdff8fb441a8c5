import { Logger, type LoggerService } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { TransactionRunner } from '#libs/database';
import { DeliveryPipeline, type DeliveryPipelineOptions, type MessageHandlerFn } from './delivery.pipeline.js';
import { assertRetryDelays, DEFAULT_RETRY_DELAYS_MS, type MessagingQueue } from './messaging-queue.js';
import { topicMatches } from './topic-pattern.js';

/** What readiness needs to know of a transport's connection. */
export interface TransportStatus {
  readonly connected: boolean;
  /** Why not, when not. */
  readonly reason?: string;
}

/** Options every messaging transport takes. */
export interface MessagingTransportOptions {
  /** Name in the inbox and in logs, e.g. `inventory-service`. */
  readonly consumer: string;
  readonly queues: readonly MessagingQueue[];
  /** Backoff before each retry (default 1 s, 5 s, 30 s); then the dead-letter queue. */
  readonly retryDelaysMs?: readonly number[];
  /** The service's unit of work: the inbox row and the handler's writes share its transaction. */
  readonly tx: TransactionRunner;
  /** Schema of the service's `inbox`. */
  readonly schema: string;
  /** How long `close()` waits for handlers in flight (default 30 s). */
  readonly drainTimeoutMs?: number;
  readonly logger?: LoggerService;
  /** Told every delivery outcome (metrics). */
  readonly onOutcome?: DeliveryPipelineOptions['onOutcome'];
}

/**
 * The transport id of a consumer's messaging server. Handlers without a transport id are
 * registered on every server of the app; in the all-in-one process, where several services'
 * transports share one Nest app, give a handler its service's id:
 * `@EventPattern('inventory.reserve', messagingTransportId('inventory-service'))`.
 */
export function messagingTransportId(consumer: string): symbol {
  return Symbol.for(`oms.messaging:${consumer}`);
}

/**
 * What the AMQP and in-process transports share: Nest handler lookup by routing key (exact
 * `@EventPattern`, else a pattern with `*`/`#` matching it) and the delivery pipeline.
 */
export abstract class MessagingServer extends Server implements CustomTransportStrategy {
  protected readonly pipeline: DeliveryPipeline;
  protected readonly log: LoggerService;
  protected readonly retryDelaysMs: readonly number[];

  constructor(protected readonly base: MessagingTransportOptions) {
    super();
    this.transportId = messagingTransportId(base.consumer);
    this.log = base.logger ?? new Logger(`${this.constructor.name}:${base.consumer}`);
    this.retryDelaysMs = assertRetryDelays(base.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS);
    this.pipeline = new DeliveryPipeline({
      consumer: base.consumer,
      tx: base.tx,
      schema: base.schema,
      retryDelaysMs: this.retryDelaysMs,
      resolveHandler: (routingKey) => this.resolveHandler(routingKey),
      logger: this.log,
      onOutcome: base.onOutcome,
    });
  }

  abstract override listen(callback: (error?: unknown) => void): Promise<void>;

  abstract override close(): Promise<void>;

  /** Whether the transport holds a live broker connection with its consumers (readiness). */
  abstract connectionStatus(): TransportStatus;

  /** Server status events are not used by these transports. */
  override on(): never {
    throw new Error(`${this.constructor.name} does not emit server events`);
  }

  protected resolveHandler(routingKey: string): MessageHandlerFn | undefined {
    const exact = this.getHandlerByPattern(routingKey);
    if (exact) return exact as unknown as MessageHandlerFn;
    for (const [pattern, handler] of this.getHandlers()) {
      if (/[*#]/.test(pattern) && topicMatches(pattern, routingKey)) return handler as unknown as MessageHandlerFn;
    }
    return undefined;
  }

  /** Waits for `work` to settle, at most `drainTimeoutMs`; says whether it all finished. */
  protected async drain(work: Iterable<Promise<unknown>>): Promise<boolean> {
    const all = Promise.allSettled([...work]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.base.drainTimeoutMs ?? 30_000);
    });
    const finished = await Promise.race([all, timeout]);
    clearTimeout(timer);
    if (!finished) this.log.warn?.({ consumer: this.base.consumer }, 'handlers still running at the end of the drain timeout; closing anyway');
    return finished;
  }
}
