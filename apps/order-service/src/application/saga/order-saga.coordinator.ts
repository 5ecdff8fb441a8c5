import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Order } from '../../domain/order.aggregate.js';
import { OrderBusyError } from '../application.errors.js';
import { OrderChangeSignals } from '../order-change-signals.js';
import { Clock } from '../ports/clock.port.js';
import { OrderEventPublisher } from '../ports/order-event.publisher.port.js';
import { OrderSagaRepository } from '../ports/order-saga.repository.port.js';
import { OrderRepository } from '../ports/order.repository.port.js';
import { SagaMessages } from '../ports/saga-messages.port.js';
import { NoSagaMetrics, SagaMetrics } from '../ports/saga-metrics.port.js';
import { UnitOfWork } from '../ports/unit-of-work.port.js';
import type { OrderChange, OrderSagaState, SagaInput } from './order-saga.state.js';
import { decide, startSaga, type SagaDecision } from './order-saga.transition.js';

/** Timing of the saga's waits, from configuration. */
export class SagaTiming {
  constructor(
    /** OMS_ORDER_PAYMENT_TIMEOUT_SECONDS in ms. */
    readonly paymentTimeoutMs: number,
    readonly holdTimeoutMs: number,
  ) {}
}

/** Performs one of the saga's decided changes through the Order aggregate's behaviour. */
export function applyChange(order: Order, change: OrderChange, now: Date): void {
  switch (change.do) {
    case 'markReserved':
      return order.markReserved(now);
    case 'markPaymentHeld':
      return order.markPaymentHeld(now);
    case 'markPaymentFailed':
      return order.markPaymentFailed(change.reason, now);
    case 'markPaid':
      return order.markPaid(change.transactionId, now);
    case 'markConfirmed':
      return order.markConfirmed(now);
    case 'cancel':
      return order.cancel(change.reason, now);
    case 'refund':
      return order.refund(change.reason, now);
  }
}

/**
 * Runs the order saga: feeds it inputs, applies its decisions to the order and sends its commands,
 * all in the caller's transaction (or one of its own), with the saga row locked for the duration.
 * The decisions themselves are the pure {@link decide}; this class only persists them.
 */
@Injectable()
export class OrderSagaCoordinator {
  constructor(
    private readonly orders: OrderRepository,
    private readonly sagas: OrderSagaRepository,
    private readonly messages: SagaMessages,
    private readonly events: OrderEventPublisher,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
    @Inject(SagaTiming) private readonly timing: SagaTiming,
    @Optional() private readonly metrics: SagaMetrics = new NoSagaMetrics(),
    @Optional() private readonly signals?: OrderChangeSignals,
  ) {}

  /** Starts the saga of an order just inserted in the current transaction. */
  async start(order: Order): Promise<void> {
    const { state, commands } = startSaga(order.id);
    await this.sagas.insert(state);
    await this.messages.send(order, state, commands);
  }

  /** A reply or a timeout for an order: decided and applied in a transaction of its own (or the ambient one). */
  advance(orderId: string, input: SagaInput): Promise<SagaDecision['outcome']> {
    return this.uow.run(async () => {
      const saga = await this.sagas.lock(orderId);
      const order = saga && (await this.orders.findById(orderId));
      if (!saga || !order) return 'ignore';
      return (await this.apply(order, saga, input)).outcome;
    });
  }

  /**
   * A client's request on an order whose saga the caller has locked ({@link lock}). `busy`
   * becomes OrderBusyError; `ignore` hands the request to `fallback`, the aggregate behaviour that
   * refuses it with the right domain error (or performs it, for orders without a saga).
   */
  async request(order: Order, saga: OrderSagaState | null, input: SagaInput, fallback: (order: Order) => void): Promise<void> {
    const decision = saga ? await this.apply(order, saga, input) : ({ outcome: 'ignore' } as const);
    if (decision.outcome === 'busy') throw new OrderBusyError(order.id, saga?.phase ?? '');
    if (decision.outcome === 'ignore') {
      fallback(order);
      await this.save(order);
    }
  }

  /**
   * Fires the timeouts whose deadline has passed (payment deadline, unanswered hold), one order per
   * transaction; replicas share the work (SKIP LOCKED). Returns how many fired.
   */
  async fireDueTimeouts(limit = 100): Promise<number> {
    let fired = 0;
    while (fired < limit) {
      const found = await this.uow.run(async () => {
        const [orderId] = await this.sagas.lockDue(this.clock.now(), 1);
        const saga = orderId ? await this.sagas.lock(orderId) : null;
        const order = saga && (await this.orders.findById(saga.orderId));
        if (!saga || !order) return false;
        const decision = await this.apply(order, saga, { kind: 'timeout' });
        // A deadline that leads nowhere must not be found again and again.
        if (decision.outcome !== 'advance') await this.sagas.update({ ...saga, deadline: null });
        return true;
      });
      if (!found) break;
      fired += 1;
    }
    return fired;
  }

  /** The saga of an order, unlocked (for waiting on its progress). */
  find(orderId: string): Promise<OrderSagaState | null> {
    return this.sagas.find(orderId);
  }

  /** Locks an order's saga for the current transaction; call before loading the order. */
  lock(orderId: string): Promise<OrderSagaState | null> {
    return this.sagas.lock(orderId);
  }

  private async apply(order: Order, saga: OrderSagaState, input: SagaInput): Promise<SagaDecision> {
    const now = this.clock.now();
    const decision = decide(saga, input, { now, ...this.timing });
    if (decision.outcome !== 'advance') return decision;
    for (const change of decision.order) applyChange(order, change, now);
    // Saved even without saga changes: the caller may have changed it first (PayOrder's startPayment).
    await this.save(order);
    await this.sagas.update(decision.state);
    if (decision.commands.length > 0) await this.messages.send(order, decision.state, decision.commands, decision.paymentId);
    if (decision.state.phase !== saga.phase) this.recordStep(saga, decision.state, input, order, now);
    return decision;
  }

  /** Reported once the step's transaction committed: a rolled-back step is retried, not counted twice. */
  private recordStep(saga: OrderSagaState, next: OrderSagaState, input: SagaInput, order: Order, now: Date): void {
    const { status, statusReason } = order;
    const seconds = saga.enteredAt ? (now.getTime() - saga.enteredAt.getTime()) / 1000 : undefined;
    if (seconds === undefined && next.phase !== 'ENDED') return;
    this.uow.afterCommit(() => {
      if (seconds !== undefined) this.metrics.stepCompleted({ step: saga.phase, next: next.phase, input, seconds });
      if (next.phase === 'ENDED') this.metrics.sagaEnded(status, statusReason);
    });
  }

  private async save(order: Order): Promise<void> {
    const events = order.peekEvents().slice();
    if (events.length === 0) return;
    await this.orders.update(order);
    await this.events.publish(events);
    // Requests of this process waiting for the order's outcome look again at once.
    if (this.signals) this.uow.afterCommit(() => this.signals!.changed(order.id));
  }
}
