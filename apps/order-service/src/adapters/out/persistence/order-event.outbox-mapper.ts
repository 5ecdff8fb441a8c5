import { commonV1, eventsV1, timestampFromDate } from '#libs/contracts';
import { childTraceparent } from '#libs/observability';
import { v7 as uuidv7 } from 'uuid';
import type { OrderEvent, OrderStatusChangedEvent, PaymentStatusChangedEvent } from '../../../domain/order.events.js';
import type { OrderSnapshot } from '../../../domain/order.snapshot.js';
import type { OrderStatus, PaymentStatus } from '../../../domain/order-status.js';

/** Exchange every order-service event is published to. */
export const EVENTS_EXCHANGE = 'oms.events';
/** Version of the event payload schemas; also the `schema-version` header. */
export const EVENT_SCHEMA_VERSION = 1;

/** An outbox row's content, before the database assigns id and created_at. */
export interface OutboxRow {
  readonly messageId: string;
  readonly exchange: string;
  readonly routingKey: OrderEvent['type'];
  readonly aggregateId: string;
  readonly payload: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

/** What an event is published with besides itself. */
export interface OutboxContext {
  /** The order after the change that recorded the event. */
  readonly order: OrderSnapshot;
  readonly correlationId: string;
  /** The creating customer's `email` claim, carried on the creation event only; empty if unknown. */
  readonly contactEmail?: string;
  /** The span the change happened in (request or message); each event is sent in a child span. */
  readonly traceparent?: string;
}

/**
 * The outbox row of a domain event: routing key = event type, body = proto3 JSON of the
 * events.proto message (fields at their default value are omitted, as proto3 JSON does: the
 * creation event has no `prevStatus`, meaning ORDER_STATUS_UNSPECIFIED).
 */
export function toOutboxRow(event: OrderEvent, context: OutboxContext): OutboxRow {
  const messageId = uuidv7();
  return {
    messageId,
    exchange: EVENTS_EXCHANGE,
    routingKey: event.type,
    aggregateId: event.orderId,
    payload: event.type === 'order.status_changed' ? orderPayload(event, context) : paymentPayload(event, context),
    headers: {
      'x-correlation-id': context.correlationId,
      traceparent: childTraceparent(context.traceparent),
      'message-id': messageId,
      'schema-version': String(EVENT_SCHEMA_VERSION),
    },
  };
}

function orderPayload(event: OrderStatusChangedEvent, context: OutboxContext): Record<string, unknown> {
  return eventsV1.OrderStatusChanged.toJSON({
    orderId: event.orderId,
    prevStatus: orderStatus(event.prevStatus),
    newStatus: orderStatus(event.newStatus),
    reason: event.reason,
    seq: String(event.seq),
    occurredAt: timestampFromDate(event.occurredAt),
    schemaVersion: EVENT_SCHEMA_VERSION,
    customerId: context.order.customerId,
    contactEmail: event.prevStatus === null ? (context.contactEmail ?? '') : '',
  }) as Record<string, unknown>;
}

function paymentPayload(event: PaymentStatusChangedEvent, context: OutboxContext): Record<string, unknown> {
  // The domain event has no failure reason; the order's payment, after the change, holds it.
  const payment = context.order.payment;
  const failureReason =
    event.newStatus === 'FAILED' && payment?.id === event.paymentId && payment.status === 'FAILED' ? payment.failureReason : '';
  return eventsV1.PaymentStatusChanged.toJSON({
    orderId: event.orderId,
    paymentId: event.paymentId,
    prevStatus: paymentStatus(event.prevStatus),
    newStatus: paymentStatus(event.newStatus),
    provider: event.provider,
    externalId: event.externalId,
    seq: String(event.seq),
    occurredAt: timestampFromDate(event.occurredAt),
    schemaVersion: EVENT_SCHEMA_VERSION,
    failureReason,
  }) as Record<string, unknown>;
}

function orderStatus(status: OrderStatus | null): commonV1.OrderStatus {
  return status === null ? commonV1.OrderStatus.ORDER_STATUS_UNSPECIFIED : commonV1.OrderStatus[`ORDER_STATUS_${status}`];
}

function paymentStatus(status: PaymentStatus | null): commonV1.PaymentStatus {
  return status === null ? commonV1.PaymentStatus.PAYMENT_STATUS_UNSPECIFIED : commonV1.PaymentStatus[`PAYMENT_STATUS_${status}`];
}
