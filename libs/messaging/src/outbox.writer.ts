import type { TransactionRunner } from '#libs/database';
import { childTraceparent, newCorrelationId, RequestContext } from '#libs/observability';
import { v7 as uuidv7, validate as isUuid } from 'uuid';
import { assertSchemaName } from './messaging.ddl.js';
import { DEFAULT_SCHEMA_VERSION, MessageHeaders } from './messaging.headers.js';
import { MessageScope } from './message-scope.js';
import { nudgeOutbox } from './outbox-nudges.js';

/** A message to publish once the current transaction commits. */
export interface OutgoingMessage {
  readonly exchange: string;
  readonly routingKey: string;
  /** The JSON body (proto3 JSON of an `oms.v1` message); stored as jsonb. */
  readonly payload: unknown;
  /**
   * The entity the message is about (usually the order id). Messages of one aggregate are
   * published in the order they were appended, whatever the number of relays.
   */
  readonly aggregateId: string;
  /** A UUID; generated (v7) when absent. Give one to make the append itself idempotent. */
  readonly messageId?: string;
  /** Extra headers; `message-id`, `x-correlation-id` and `x-causation-id` are always stamped. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Rows per INSERT: 6 parameters each, well under PostgreSQL's 65535. */
const ROWS_PER_STATEMENT = 1000;

/**
 * Writes outgoing messages into `<schema>.outbox` in the ambient transaction (or in one of its
 * own), so they commit or roll back with the state change they announce. After the commit it
 * wakes this process's relay of the same schema, so publishing latency does not wait for a poll.
 *
 * Stamped headers: `message-id`; `x-correlation-id` (the RequestContext's, else a new id shared
 * by all messages of the call); `schema-version` (`1` unless the caller gives one);
 * `x-causation-id` when handling a message (the consumer pipeline sets it); `x-aggregate-id`.
 */
export class OutboxWriter {
  private readonly schema: string;

  constructor(
    private readonly tx: TransactionRunner,
    schema: string,
  ) {
    this.schema = assertSchemaName(schema);
  }

  /** Appends the messages; resolves with their message ids, in order. */
  async append(messages: readonly OutgoingMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const correlationId = RequestContext.correlationId() ?? newCorrelationId();
    const causationId = MessageScope.causationId();
    const traceparent = RequestContext.current()?.traceparent;
    const rows = messages.map((message) => toRow(message, correlationId, causationId, traceparent));
    await this.tx.run(async (manager) => {
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
        const params: unknown[] = [];
        const values = chunk.map((row) => {
          const n = params.push(row.messageId, row.exchange, row.routingKey, row.aggregateId, row.payload, row.headers);
          return `($${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}::jsonb, $${n}::jsonb)`;
        });
        await manager.query(
          `INSERT INTO ${this.schema}.outbox (message_id, exchange, routing_key, aggregate_id, payload, headers) VALUES ${values.join(', ')}`,
          params,
        );
      }
      this.tx.afterCommit(() => nudgeOutbox(this.schema));
    });
    return rows.map((row) => row.messageId);
  }
}

interface OutboxInsertRow {
  readonly messageId: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly aggregateId: string;
  readonly payload: string;
  readonly headers: string;
}

function toRow(message: OutgoingMessage, correlationId: string, causationId: string | undefined, traceparent: string | undefined): OutboxInsertRow {
  if (!message.exchange || !message.routingKey) throw new Error('an outgoing message needs an exchange and a routing key');
  if (!message.aggregateId) throw new Error(`message ${message.routingKey} has no aggregateId`);
  if (message.messageId !== undefined && !isUuid(message.messageId)) {
    throw new Error(`messageId must be a UUID, got ${JSON.stringify(message.messageId)}`);
  }
  const payload = JSON.stringify(message.payload);
  if (payload === undefined) throw new Error(`message ${message.routingKey} has no JSON payload`);
  const messageId = message.messageId ?? uuidv7();
  const headers: Record<string, string> = {
    ...message.headers,
    [MessageHeaders.messageId]: messageId,
    [MessageHeaders.correlationId]: correlationId,
    [MessageHeaders.schemaVersion]: message.headers?.[MessageHeaders.schemaVersion] ?? DEFAULT_SCHEMA_VERSION,
    [MessageHeaders.aggregateId]: message.aggregateId,
    // Sending is a span of its own, in the trace of the request or message that caused it.
    [MessageHeaders.traceparent]: childTraceparent(traceparent),
  };
  if (causationId) headers[MessageHeaders.causationId] = causationId;
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw new Error(`header ${key} of message ${message.routingKey} must be a string`);
  }
  return {
    messageId,
    exchange: message.exchange,
    routingKey: message.routingKey,
    aggregateId: message.aggregateId,
    payload,
    headers: JSON.stringify(headers),
  };
}
