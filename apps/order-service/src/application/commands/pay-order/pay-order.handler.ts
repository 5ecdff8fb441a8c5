import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Logger } from '@nestjs/common';
import pRetry from 'p-retry';
import type { Order } from '../../../domain/order.aggregate.js';
import { OrderNotPayableError } from '../../../domain/order.errors.js';
import { InvalidRequestError } from '../../application.errors.js';
import { changeOrder } from '../../order-access.js';
import { Clock } from '../../ports/clock.port.js';
import { IdGenerator } from '../../ports/id-generator.port.js';
import { OrderRepository } from '../../ports/order.repository.port.js';
import { PaymentHolds } from '../../ports/payment-holds.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import { OrderSagaCoordinator } from '../../saga/order-saga.coordinator.js';
import { assertStatedAmount } from '../../stated-amount.js';
import { toOrderView } from '../../views/order.view.js';
import { PAYMENT_METHODS, PayOrderCommand, type PayOrderResult } from './pay-order.command.js';
import { summarizeCard } from './payment-card.js';

/** The payment provider this service talks to; the simulated gateway until a real one is wired. */
export const PAYMENT_PROVIDER = 'simulated';

/** Failure reason recorded when payment-service could not even be asked. */
export const PROVIDER_UNAVAILABLE = 'PAYMENT_PROVIDER_UNAVAILABLE';

/** Further tries at recording that failure: about 6 s in all (0.2, 0.4, 0.8, 1.6, 2 s apart). */
const RECORD_FAILURE_RETRIES = 5;

/**
 * Starts the payment of a RESERVED order: the payment becomes PROCESSING and the saga waits for
 * the hold. Only after that commits is payment-service asked to hold the money, with the card data
 * that exist nowhere else (never in a table or message). Its answer arrives as a saga reply.
 */
@CommandHandler(PayOrderCommand)
export class PayOrderHandler implements ICommandHandler<PayOrderCommand> {
  private readonly logger = new Logger(PayOrderHandler.name);

  constructor(
    private readonly orders: OrderRepository,
    private readonly saga: OrderSagaCoordinator,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly holds: PaymentHolds,
  ) {}

  async execute(command: PayOrderCommand): Promise<PayOrderResult> {
    if (!(PAYMENT_METHODS as readonly string[]).includes(command.paymentMethod)) {
      throw new InvalidRequestError([
        { field: 'paymentMethod', description: `must be one of ${PAYMENT_METHODS.join(', ')}` },
      ]);
    }
    const now = this.clock.now();
    const card = summarizeCard(command.card, now);
    const paymentId = this.ids.newId();
    const order = await changeOrder(
      { orders: this.orders, saga: this.saga, uow: this.uow },
      command,
      () => ({ kind: 'payment-started', paymentId }),
      // Only orders with a saga can be paid: without one, nobody would capture or void the hold.
      (o) => {
        throw new OrderNotPayableError(o.id, o.status);
      },
      (o) => {
        if (command.statedAmount !== undefined) assertStatedAmount(o.amount, command.statedAmount);
        o.startPayment({
          paymentId,
          provider: PAYMENT_PROVIDER,
          method: command.paymentMethod,
          cardBrand: card.brand,
          cardLast4: card.last4,
          now,
        });
      },
    );
    this.uow.afterCommit(() => this.requestHold(order, paymentId, command));
    const view = toOrderView(order);
    return { order: view, payment: view.payment! };
  }

  /** After the commit: hand the card to payment-service; if it cannot be reached, the attempt failed. */
  private async requestHold(order: Order, paymentId: string, command: PayOrderCommand): Promise<void> {
    try {
      await this.holds.hold({
        orderId: order.id,
        paymentId,
        customerId: order.customerId,
        amount: order.amount,
        method: command.paymentMethod,
        card: command.card,
      });
    } catch (error) {
      // As text: a gRPC ServiceError carries its call's metadata, which the log serializer cannot walk.
      this.logger.warn({ reason: String(error), orderId: order.id, paymentId }, 'payment-service did not accept the hold');
      await this.recordUnavailable(order, paymentId);
    }
  }

  /**
   * The attempt failed. The database may be failing too (the same outage often cuts both): try a
   * few times, so the customer hears within seconds and can pay again. Recording it twice changes
   * nothing (the saga ignores a repeat). If every try fails, the hold deadline gives the attempt up.
   */
  private async recordUnavailable(order: Order, paymentId: string): Promise<void> {
    await pRetry(
      () =>
        this.saga.advance(order.id, {
          kind: 'payment',
          op: 'hold',
          paymentId,
          status: 'FAILED',
          failureReason: PROVIDER_UNAVAILABLE,
          transactionId: '',
        }),
      {
        retries: RECORD_FAILURE_RETRIES,
        minTimeout: 200,
        maxTimeout: 2_000,
        onFailedAttempt: ({ error, attemptNumber }) =>
          this.logger.warn({ err: error, orderId: order.id, paymentId, attempt: attemptNumber }, 'could not record the failed hold; trying again'),
      },
    );
  }
}
