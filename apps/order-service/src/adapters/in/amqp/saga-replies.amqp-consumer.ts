import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { commonV1, inventoryV1, paymentV1 } from '#libs/contracts';
import { messagingTransportId, PermanentMessageError } from '#libs/messaging';

/** Only order-service's transport registers these handlers (several share the all-in-one process). */
const ORDER_TRANSPORT = messagingTransportId('order-service');
import { OrderSagaCoordinator } from '../../../application/saga/order-saga.coordinator.js';
import type { PaymentOutcome, ReservationOutcome, SagaInput } from '../../../application/saga/order-saga.state.js';

const RESERVATION: Partial<Record<inventoryV1.ReservationStatus, ReservationOutcome>> = {
  RESERVATION_STATUS_RESERVED: 'RESERVED',
  RESERVATION_STATUS_REJECTED: 'REJECTED',
  RESERVATION_STATUS_RELEASED: 'RELEASED',
  RESERVATION_STATUS_COMMITTED: 'COMMITTED',
  RESERVATION_STATUS_RESTOCKED: 'RESTOCKED',
};

const PAYMENT: Partial<Record<commonV1.PaymentStatus, PaymentOutcome>> = {
  PAYMENT_STATUS_HELD: 'HELD',
  PAYMENT_STATUS_FAILED: 'FAILED',
  PAYMENT_STATUS_CAPTURED: 'CAPTURED',
  PAYMENT_STATUS_VOIDED: 'VOIDED',
  PAYMENT_STATUS_REFUNDED: 'REFUNDED',
};

/** A reply whose payload cannot be read will never be readable: dead-letter it at once. */
function parse<T>(decode: (json: unknown) => T, payload: unknown): T {
  try {
    return decode(payload);
  } catch (error) {
    throw new PermanentMessageError(`unreadable reply: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Replies of inventory-service and payment-service (queue `order-service.replies`), fed to the
 * order saga. Each delivery runs in one transaction with the inbox check (the transport's), so the
 * saga's decision, the order change and the next commands commit together, once.
 */
@Controller()
export class SagaRepliesAmqpConsumer {
  constructor(private readonly saga: OrderSagaCoordinator) {}

  @EventPattern<string>('inventory.reserve.result', ORDER_TRANSPORT)
  reserved(@Payload() payload: unknown): Promise<void> {
    return this.onReservation(payload);
  }

  @EventPattern<string>('inventory.release.result', ORDER_TRANSPORT)
  released(@Payload() payload: unknown): Promise<void> {
    return this.onReservation(payload);
  }

  @EventPattern<string>('inventory.commit.result', ORDER_TRANSPORT)
  committed(@Payload() payload: unknown): Promise<void> {
    return this.onReservation(payload);
  }

  @EventPattern<string>('inventory.restock.result', ORDER_TRANSPORT)
  restocked(@Payload() payload: unknown): Promise<void> {
    return this.onReservation(payload);
  }

  @EventPattern<string>('payment.hold.result', ORDER_TRANSPORT)
  held(@Payload() payload: unknown): Promise<void> {
    return this.onPayment('hold', payload);
  }

  @EventPattern<string>('payment.capture.result', ORDER_TRANSPORT)
  captured(@Payload() payload: unknown): Promise<void> {
    return this.onPayment('capture', payload);
  }

  @EventPattern<string>('payment.void.result', ORDER_TRANSPORT)
  voided(@Payload() payload: unknown): Promise<void> {
    return this.onPayment('void', payload);
  }

  @EventPattern<string>('payment.refund.result', ORDER_TRANSPORT)
  refunded(@Payload() payload: unknown): Promise<void> {
    return this.onPayment('refund', payload);
  }

  private async onReservation(payload: unknown): Promise<void> {
    const reservation = parse(inventoryV1.Reservation.fromJSON, payload);
    const status = RESERVATION[reservation.status];
    if (!reservation.orderId || !status) throw new PermanentMessageError('reservation reply without order id or outcome');
    await this.saga.advance(reservation.orderId, { kind: 'reservation', status });
  }

  private async onPayment(op: Extract<SagaInput, { kind: 'payment' }>['op'], payload: unknown): Promise<void> {
    const payment = parse(paymentV1.PaymentRecord.fromJSON, payload);
    const status = PAYMENT[payment.status];
    if (!payment.orderId || !payment.paymentId || !status) {
      throw new PermanentMessageError('payment reply without order id, payment id or outcome');
    }
    await this.saga.advance(payment.orderId, {
      kind: 'payment',
      op,
      paymentId: payment.paymentId,
      status,
      failureReason: payment.failureReason,
      transactionId: payment.transactionId,
    });
  }
}
