import type { LoggerService } from '@nestjs/common';
import type { TransactionRunner } from '#libs/database';
import { childTraceparent, isValidCorrelationId, newCorrelationId, RequestContext } from '#libs/observability';
import { isObservable, lastValueFrom } from 'rxjs';
import { assertSchemaName } from './messaging.ddl.js';
import { isPermanentMessageError } from './messaging.errors.js';
import { MessageHeaders } from './messaging.headers.js';
import { MessageContext, recordedHandlerError } from './message.context.js';
import { MessageScope, type MessagingRequestContext } from './message-scope.js';
import { isIrrelevant } from './delivery-relevance.js';

/** A message handler as Nest registers it on a transport: `(payload, context)`. */
export type MessageHandlerFn = (payload: unknown, context: MessageContext) => unknown;

/** A message as a transport received it, before anything was decided about it. */
export interface IncomingDelivery {
  readonly queue: string;
  readonly exchange: string;
  readonly routingKey: string;
  /** The AMQP `messageId` property, if set (else the `message-id` header is used). */
  readonly messageId?: string;
  readonly correlationId?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly redelivered: boolean;
  readonly timestamp?: Date;
}

/** Why a message was dead-lettered (the `x-death-reason` header). */
export type DeadLetterReason = 'permanent' | 'retries-exhausted' | 'unknown-routing-key' | 'invalid-payload' | 'missing-message-id';

/** What the transport must do with a delivery. */
export type DeliveryOutcome =
  | {
      readonly kind: 'handled';
      readonly duplicate: boolean;
      readonly attempt: number;
      /** The handler declared the message none of its business (`handlesOnly`): acked untouched. */
      readonly ignored?: true;
    }
  | {
      readonly kind: 'retry';
      /** The attempt that failed. */
      readonly attempt: number;
      /** The attempt the retry will be: `attempt + 1`, or `attempt` again when the handler never ran. */
      readonly nextAttempt: number;
      /** Which retry queue (1-based): the delay used is `retryDelaysMs[retryIndex - 1]`. */
      readonly retryIndex: number;
      readonly delayMs: number;
      readonly error: string;
    }
  | { readonly kind: 'dead-letter'; readonly attempt: number; readonly reason: DeadLetterReason; readonly error: string };

/** Options of a {@link DeliveryPipeline}. */
export interface DeliveryPipelineOptions {
  /** Name recorded in the inbox, e.g. `inventory-service`. */
  readonly consumer: string;
  readonly tx: TransactionRunner;
  /** Schema of the `inbox` table. */
  readonly schema: string;
  /** Delay before attempt 2, 3, ...; once exhausted, the next failure dead-letters. */
  readonly retryDelaysMs: readonly number[];
  readonly resolveHandler: (routingKey: string) => MessageHandlerFn | undefined;
  readonly logger: LoggerService;
  /** Told every outcome (metrics); must not throw. */
  readonly onOutcome?: (outcome: DeliveryOutcome, delivery: IncomingDelivery) => void;
}

/**
 * The one way every transport (AMQP or in-process) handles a delivery:
 * 1. no message id, no handler for the routing key, or a body that is not JSON: dead-letter; a
 *    payload the handler declared irrelevant (`handlesOnly`): acknowledged, nothing written;
 * 2. in the message's request context (its correlation id, causation = its id) and in one
 *    transaction: insert `(consumer, messageId)` into the inbox (`ON CONFLICT DO NOTHING`); a
 *    duplicate stops here; otherwise run the handler, whose writes and outbox appends join;
 * 3. commit, and only then report `handled` (the transport acks);
 * 4. on any error (the handler's, or the commit's) everything rolled back, inbox row included:
 *    a `PermanentMessageError` dead-letters, anything else is retried after the next delay, and
 *    dead-lettered once the delays are used up. A failure before the handler ran (the database
 *    is unreachable: no transaction, no inbox insert) uses up no attempt: the message waits the
 *    longest delay and comes back with the same attempt number, so an outage longer than the
 *    backoff does not send every message in flight to the dead-letter queue.
 * It never throws.
 */
export class DeliveryPipeline {
  private readonly schema: string;

  constructor(private readonly options: DeliveryPipelineOptions) {
    this.schema = assertSchemaName(options.schema);
  }

  async process(delivery: IncomingDelivery): Promise<DeliveryOutcome> {
    const outcome = await this.decide(delivery);
    this.options.onOutcome?.(outcome, delivery);
    return outcome;
  }

  private async decide(delivery: IncomingDelivery): Promise<DeliveryOutcome> {
    const headers = delivery.headers;
    const attempt = attemptOf(headers);
    const routingKey = headers[MessageHeaders.originalRoutingKey] ?? delivery.routingKey;
    const exchange = headers[MessageHeaders.originalExchange] ?? delivery.exchange;
    const messageId = delivery.messageId || headers[MessageHeaders.messageId];
    const log = { consumer: this.options.consumer, queue: delivery.queue, messageId, routingKey, attempt };
    if (!messageId) return this.deadLetter(log, attempt, 'missing-message-id', 'the message has no message id, so it cannot be deduplicated');
    const handler = this.options.resolveHandler(routingKey);
    if (!handler) return this.deadLetter(log, attempt, 'unknown-routing-key', `no handler for routing key ${routingKey}`);
    let payload: unknown;
    try {
      payload = JSON.parse(delivery.body);
    } catch (error) {
      return this.deadLetter(log, attempt, 'invalid-payload', `the body is not JSON: ${errorText(error)}`);
    }
    if (isIrrelevant(handler, payload)) {
      this.options.logger.debug?.(log, 'message acknowledged without handling: its handler takes no interest in it');
      return { kind: 'handled', duplicate: false, attempt, ignored: true };
    }
    const incoming = headers[MessageHeaders.correlationId] ?? delivery.correlationId;
    const correlationId = isValidCorrelationId(incoming) ? incoming : newCorrelationId();
    const context = new MessageContext({
      consumer: this.options.consumer,
      queue: delivery.queue,
      messageId,
      routingKey,
      exchange,
      headers,
      correlationId,
      attempt,
      redelivered: delivery.redelivered,
      timestamp: delivery.timestamp,
    });
    // Handling is a span of its own: a child of the sending span, in the same trace.
    const requestContext: MessagingRequestContext = { correlationId, causationId: messageId, traceparent: childTraceparent(headers[MessageHeaders.traceparent]) };
    const progress = { handlerStarted: false };
    try {
      const duplicate = await MessageScope.run({ consumer: this.options.consumer, messageId, correlationId }, () =>
        RequestContext.run(requestContext, () => this.handleOnce(handler, payload, context, progress)),
      );
      if (duplicate) this.options.logger.debug?.(log, 'duplicate message acknowledged without handling');
      return { kind: 'handled', duplicate, attempt };
    } catch (thrown) {
      const error = recordedHandlerError(context) ?? thrown;
      const delays = this.options.retryDelaysMs;
      if (!progress.handlerStarted && delays.length > 0) {
        this.options.logger.warn?.({ ...log, err: error, retryInMs: delays.at(-1) }, 'message not handled: no transaction could be opened; will retry');
        return { kind: 'retry', attempt, nextAttempt: attempt, retryIndex: delays.length, delayMs: delays.at(-1)!, error: errorText(error) };
      }
      if (isPermanentMessageError(error)) return this.deadLetter(log, attempt, 'permanent', errorText(error));
      const delayMs = delays[attempt - 1];
      if (delayMs === undefined) return this.deadLetter(log, attempt, 'retries-exhausted', errorText(error));
      this.options.logger.warn?.({ ...log, err: error, retryInMs: delayMs }, 'message handler failed; will retry');
      return { kind: 'retry', attempt, nextAttempt: attempt + 1, retryIndex: attempt, delayMs, error: errorText(error) };
    }
  }

  /** Resolves `true` for a duplicate. */
  private handleOnce(handler: MessageHandlerFn, payload: unknown, context: MessageContext, progress: { handlerStarted: boolean }): Promise<boolean> {
    return this.options.tx.run(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO ${this.schema}.inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS fresh`,
        [this.options.consumer, context.messageId],
      )) as unknown[];
      if (inserted.length === 0) return true;
      progress.handlerStarted = true;
      const result = await handler(payload, context);
      // Nest hands back an Observable when interceptors (or exception filters) are involved.
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      return false;
    });
  }

  private deadLetter(log: object, attempt: number, reason: DeadLetterReason, error: string): DeliveryOutcome {
    this.options.logger.error({ ...log, reason, error }, 'message dead-lettered');
    return { kind: 'dead-letter', attempt, reason, error };
  }
}

/** The `x-attempt` header, 1 when absent or unreadable. */
export function attemptOf(headers: Readonly<Record<string, string>>): number {
  const value = Number(headers[MessageHeaders.attempt]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
