import { CancelOrderCommand } from '../../src/application/commands/cancel-order/cancel-order.command.js';
import { CancelOrderHandler } from '../../src/application/commands/cancel-order/cancel-order.handler.js';
import { CreateOrderHandler } from '../../src/application/commands/create-order/create-order.handler.js';
import { PayOrderCommand } from '../../src/application/commands/pay-order/pay-order.command.js';
import { PayOrderHandler } from '../../src/application/commands/pay-order/pay-order.handler.js';
import { RefundOrderCommand } from '../../src/application/commands/refund-order/refund-order.command.js';
import { RefundOrderHandler } from '../../src/application/commands/refund-order/refund-order.handler.js';
import { AwaitOutcomeHandler } from '../../src/application/queries/await-payment/await-payment.handler.js';
import { OrderChangeSignals } from '../../src/application/order-change-signals.js';
import { OrderSagaCoordinator, SagaTiming } from '../../src/application/saga/order-saga.coordinator.js';
import type { SagaMetrics } from '../../src/application/ports/saga-metrics.port.js';
import type { SagaInput } from '../../src/application/saga/order-saga.state.js';
import { FakePaymentHolds } from './fake-payment-holds.js';
import { FixedCatalog } from './fixed-catalog.js';
import { FixedClock } from './fixed-clock.js';
import { ImmediateUnitOfWork, type AfterCommitMode } from './immediate-unit-of-work.js';
import { InMemoryOrderSagaRepository } from './in-memory-order-saga.repository.js';
import { InMemoryOrderRepository } from './in-memory-order.repository.js';
import { anOrder, customer, type OrderFixtureState } from './order-fixtures.js';
import { RecordingEventPublisher } from './recording-event.publisher.js';
import { RecordingSagaMessages } from './recording-saga.messages.js';
import { captured, held, holdFailed, refunded, reservation } from './saga-inputs.js';
import { SequentialIds } from './sequential-ids.js';

/** Saga waits of the specs, on the fake clock: 30 s for a payment, 5 s for a hold. */
export const TEST_SAGA_TIMING = new SagaTiming(30_000, 5_000);

/** A valid visa card (the fixtures' brand and last four digits). */
export const TEST_CARD = Object.freeze({ number: '4242424242424242', expiry: '12/34', cvv: '123' });

export interface OrderWorldOptions {
  /** When afterCommit effects run; `manual` unless a spec says otherwise. */
  readonly afterCommit?: AfterCommitMode;
  readonly timing?: SagaTiming;
  /** Where the saga reports its steps (default: nowhere). */
  readonly metrics?: SagaMetrics;
}

export interface ArrangedOrder {
  readonly id?: string;
  readonly customerId?: string;
  readonly state?: OrderFixtureState;
}

/**
 * order-service's application layer wired to in-memory fakes, as OrderModule wires it to
 * adapters: one OrderSagaCoordinator and every handler that uses it. The clock stands still at
 * DEFAULT_NOW until a spec moves it.
 */
export function orderWorld(options: OrderWorldOptions = {}) {
  const uow = new ImmediateUnitOfWork(options.afterCommit ?? 'manual');
  const orders = new InMemoryOrderRepository();
  const sagas = new InMemoryOrderSagaRepository(uow);
  const messages = new RecordingSagaMessages();
  const events = new RecordingEventPublisher();
  const clock = new FixedClock();
  const holds = new FakePaymentHolds();
  const orderIds = new SequentialIds('order-');
  const paymentIds = new SequentialIds('pay-');
  const timing = options.timing ?? TEST_SAGA_TIMING;
  const signals = new OrderChangeSignals();
  const saga = new OrderSagaCoordinator(orders, sagas, messages, events, clock, uow, timing, options.metrics, signals);

  const world = {
    uow,
    orders,
    sagas,
    messages,
    events,
    clock,
    holds,
    orderIds,
    paymentIds,
    timing,
    saga,
    create: new CreateOrderHandler(orders, new FixedCatalog(), clock, orderIds, events, saga, uow),
    pay: new PayOrderHandler(orders, saga, uow, clock, paymentIds, holds),
    cancel: new CancelOrderHandler(orders, saga, uow, clock),
    refund: new RefundOrderHandler(orders, saga, uow, clock),
    awaitOutcome: new AwaitOutcomeHandler(orders, saga, signals),
    signals,

    /** Feeds replies to the saga one by one; fails when one of them is not acted upon. */
    async deliver(orderId: string, ...inputs: SagaInput[]): Promise<void> {
      for (const input of inputs) {
        const outcome = await saga.advance(orderId, input);
        if (outcome !== 'advance') throw new Error(`arrangement: ${JSON.stringify(input)} was ${outcome} by the saga of ${orderId}`);
      }
    },

    /**
     * Stores an order and its saga in `state` the way production gets there: a PENDING order
     * whose saga starts, then the replies and client commands that lead to `state` (PAYMENT_*
     * through PayOrder, with payment ids `<id>-payment-0001`, ...). Then forgets what arranging
     * recorded (see {@link forget}). Returns the id of the order's payment, if it has one.
     */
    async arrange({ id = 'o1', customerId = 'c1', state = 'PENDING' }: ArrangedOrder = {}): Promise<string | null> {
      const order = anOrder({ id, customerId, createTime: clock.now() });
      orders.seed(order);
      await uow.run(() => saga.start(order));
      const arrangingPay = new PayOrderHandler(orders, saga, uow, clock, new SequentialIds(`${id}-payment-`), holds);
      const actor = customer(customerId);
      let paymentId: string | null = null;
      const pay = async (): Promise<string> => {
        const result = await arrangingPay.execute(new PayOrderCommand(actor, id, 'credit_card', TEST_CARD));
        await uow.flush();
        paymentId = result.payment.id;
        return paymentId;
      };
      const deliver = (...inputs: SagaInput[]) => world.deliver(id, ...inputs);
      const paid = async () => {
        await deliver(reservation('RESERVED'));
        const p = await pay();
        await deliver(held(p), captured(p));
      };
      switch (state) {
        case 'PENDING':
          break;
        case 'RESERVED':
          await deliver(reservation('RESERVED'));
          break;
        case 'PAYMENT_PROCESSING':
          await deliver(reservation('RESERVED'));
          await pay();
          break;
        case 'PAYMENT_HELD':
          await deliver(reservation('RESERVED'));
          await deliver(held(await pay()));
          break;
        case 'PAYMENT_FAILED':
          await deliver(reservation('RESERVED'));
          await deliver(holdFailed(await pay()));
          break;
        case 'PAID':
          await paid();
          break;
        case 'CONFIRMED':
          await paid();
          await deliver(reservation('COMMITTED'));
          break;
        case 'CANCELED':
          await world.cancel.execute(new CancelOrderCommand(actor, id, 'FIXTURE'));
          await deliver(reservation('RELEASED'));
          break;
        case 'REFUNDED':
          await paid();
          await deliver(reservation('COMMITTED'));
          await world.refund.execute(new RefundOrderCommand(actor, id, 'FIXTURE'));
          await deliver(refunded(paymentId!), reservation('RESTOCKED'));
          break;
      }
      await world.forget();
      return paymentId;
    },

    /**
     * Runs what waits for a commit, then clears every record (outbox, published events, saga
     * writes, commands sent, hold requests, commit counts) so a spec sees only what it did.
     */
    async forget(): Promise<void> {
      await uow.flush();
      orders.outbox.length = 0;
      events.published.length = 0;
      sagas.writes.length = 0;
      messages.sent.length = 0;
      holds.requests.length = 0;
      uow.effectErrors.length = 0;
      uow.commits = 0;
      uow.rollbacks = 0;
    },

    /** Everything the fakes store or recorded, except hold requests: where card data must never be. */
    everythingButHolds(): unknown[] {
      return [orders.storedAll(), orders.outbox, events.published, sagas.storedAll(), sagas.writes, messages.sent];
    },
  };
  return world;
}

export type OrderWorld = ReturnType<typeof orderWorld>;
