import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Order } from '../../../domain/order.aggregate.js';
import { PaymentFailedError } from '../../application.errors.js';
import { OrderChangeSignals } from '../../order-change-signals.js';
import { loadOwnOrder } from '../../order-access.js';
import { OrderRepository } from '../../ports/order.repository.port.js';
import { OrderSagaCoordinator } from '../../saga/order-saga.coordinator.js';
import { toOrderView, type OrderView } from '../../views/order.view.js';
import { AwaitOutcomeQuery } from './await-payment.query.js';

/**
 * Polls the order (and its saga) with a growing interval: the outcome may be decided by any
 * replica, so the database, not this process' memory, is the place to look. A change committed
 * by this process ends the wait for the next poll at once ({@link OrderChangeSignals}).
 */
@QueryHandler(AwaitOutcomeQuery)
export class AwaitOutcomeHandler implements IQueryHandler<AwaitOutcomeQuery> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly saga: OrderSagaCoordinator,
    private readonly signals: OrderChangeSignals,
  ) {}

  async execute(query: AwaitOutcomeQuery): Promise<OrderView> {
    const deadline = Date.now() + query.waitMs;
    const changes = this.signals.watch(query.orderId);
    try {
      for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
        const order = await loadOwnOrder(this.orders, query.actor, query.orderId);
        if (await this.settled(order, query)) return toOrderView(order);
        if (Date.now() + pause > deadline) return toOrderView(order);
        await changes.next(pause);
      }
    } finally {
      changes.close();
    }
  }

  private async settled(order: Order, query: AwaitOutcomeQuery): Promise<boolean> {
    if (query.paymentId === undefined) {
      const saga = await this.saga.find(order.id);
      return !saga || saga.phase === 'ENDED' || saga.phase === 'COMPLETED';
    }
    const payment = order.payment;
    if (!payment || payment.id !== query.paymentId) return true;
    if (payment.status === 'FAILED') throw new PaymentFailedError(order.id, payment.id, payment.failureReason);
    return payment.status !== 'PROCESSING' && payment.status !== 'HELD';
  }
}
