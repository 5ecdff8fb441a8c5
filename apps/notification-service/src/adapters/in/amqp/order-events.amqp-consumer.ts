import { Controller } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Public } from '#libs/auth';
import { dateFromTimestamp, eventsV1 } from '#libs/contracts';
import { DomainError } from '#libs/ddd';
import { handlesOnly, messagingTransportId, PermanentMessageError } from '#libs/messaging';
import { NotifyOrderStatusChangeCommand } from '../../../application/commands/notify-order-status-change/notify-order-status-change.command.js';
import {
  NotifyPaymentStatusChangeCommand,
  type PaymentStatusName,
} from '../../../application/commands/notify-payment-status-change/notify-payment-status-change.command.js';
import { orderEventCallsForWork, paymentEventCallsForWork } from '../../../application/event-relevance.js';
import type { OrderStatusName } from '../../../application/ports/tracked-orders.port.js';

/** notification-service's name as a message consumer: its inbox rows and its transport id. */
export const NOTIFICATION_CONSUMER = 'notification-service';
const TRANSPORT = messagingTransportId(NOTIFICATION_CONSUMER);

/**
 * The public events notification-service acts on, from `oms.events` (queue
 * `notification-service.events`): `order.status_changed` and `payment.status_changed`, proto3 JSON
 * of events.proto. Each is handled in the delivery's transaction, after the inbox row (message id)
 * and then `(order_id, event type, seq)` were checked, so neither a redelivery nor a republish
 * with a new message id records anything twice. Events it has no work for (`event-relevance.ts`)
 * are acknowledged before that, without a transaction.
 *
 * `@Public()`: the broker is the trust boundary (only services publish to `oms.events`).
 */
@Controller()
@Public()
export class OrderEventsAmqpConsumer {
  constructor(private readonly commands: CommandBus) {}

  @EventPattern<string>('order.status_changed', TRANSPORT, handlesOnly(orderEventIsWorthHandling))
  async orderStatusChanged(@Payload() payload: unknown): Promise<void> {
    await handle(() => this.commands.execute(readOrderEvent(payload)));
  }

  @EventPattern<string>('payment.status_changed', TRANSPORT, handlesOnly(paymentEventIsWorthHandling))
  async paymentStatusChanged(@Payload() payload: unknown): Promise<void> {
    await handle(() => this.commands.execute(readPaymentEvent(payload)));
  }
}

/** @throws PermanentMessageError for an event that cannot be read or lacks what the handler needs */
function readOrderEvent(payload: unknown): NotifyOrderStatusChangeCommand {
  const event = decode('OrderStatusChanged', () => eventsV1.OrderStatusChanged.fromJSON(payload));
  const status = stripped(event.newStatus, 'ORDER_STATUS_') as OrderStatusName | '';
  const seq = Number(event.seq);
  if (!event.orderId || !status || !(seq >= 1) || !event.occurredAt || !event.customerId) {
    throw new PermanentMessageError('OrderStatusChanged needs orderId, customerId, newStatus, seq >= 1 and occurredAt');
  }
  return new NotifyOrderStatusChangeCommand(event.orderId, event.customerId, event.contactEmail, status, event.reason, seq, dateFromTimestamp(event.occurredAt));
}

/** @throws PermanentMessageError for an event that cannot be read or lacks what the handler needs */
function readPaymentEvent(payload: unknown): NotifyPaymentStatusChangeCommand {
  const event = decode('PaymentStatusChanged', () => eventsV1.PaymentStatusChanged.fromJSON(payload));
  const status = stripped(event.newStatus, 'PAYMENT_STATUS_') as PaymentStatusName | '';
  const seq = Number(event.seq);
  if (!event.orderId || !status || !(seq >= 1) || !event.occurredAt) {
    throw new PermanentMessageError('PaymentStatusChanged needs orderId, newStatus, seq >= 1 and occurredAt');
  }
  return new NotifyPaymentStatusChangeCommand(event.orderId, event.paymentId, status, seq, dateFromTimestamp(event.occurredAt));
}

/**
 * False only for a well-formed event whose status calls for nothing (`event-relevance.ts`); a
 * malformed one goes to the handler, to be dead-lettered with its reason.
 */
export function orderEventIsWorthHandling(payload: unknown): boolean {
  const event = readOrderEvent(payload);
  return orderEventCallsForWork(event.newStatus, event.contactEmail);
}

/** See {@link orderEventIsWorthHandling}. */
export function paymentEventIsWorthHandling(payload: unknown): boolean {
  return paymentEventCallsForWork(readPaymentEvent(payload).newStatus);
}

function decode<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new PermanentMessageError(`unreadable ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `ORDER_STATUS_PAID` -> `PAID`; UNSPECIFIED -> ''. */
function stripped(value: string, prefix: string): string {
  const name = value.startsWith(prefix) ? value.slice(prefix.length) : value;
  return name === 'UNSPECIFIED' ? '' : name;
}

/** A domain error would meet the same message again: dead-letter it at once; anything else is retried. */
async function handle(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof DomainError) throw new PermanentMessageError(error.message, { cause: error });
    throw error;
  }
}
