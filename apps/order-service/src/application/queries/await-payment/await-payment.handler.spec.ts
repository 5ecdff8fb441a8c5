import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import {
  anOrder,
  captured,
  customer,
  held,
  holdFailed,
  orderWorld,
  refunded,
  rejection,
  reservation,
  TEST_CARD,
  type OrderFixtureState,
} from '../../../../test/fakes/index.js';
import type { Actor } from '../../actor.js';
import { OrderNotFoundError, PaymentFailedError } from '../../application.errors.js';
import { PayOrderCommand } from '../../commands/pay-order/pay-order.command.js';
import { RefundOrderCommand } from '../../commands/refund-order/refund-order.command.js';
import { AwaitOutcomeQuery } from './await-payment.query.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Long enough never to be reached when the outcome arrives; the specs finish well before it. */
const LONG_WAIT_MS = 5_000;

/** Order o1 of c1 in `state` through its saga, and a counter of the reads of orders. */
async function setup(state: OrderFixtureState) {
  const world = orderWorld({ afterCommit: 'manual' });
  const arrangedPayment = await world.arrange({ id: 'o1', customerId: 'c1', state });
  const read = world.orders.findById.bind(world.orders);
  const reads = { count: 0 };
  world.orders.findById = (id) => {
    reads.count += 1;
    return read(id);
  };
  /** Runs the query; `reads` then counts from its start (replies delivered meanwhile read too). */
  const awaitOutcome = (waitMs: number, paymentId?: string, actor: Actor = customer('c1')) => {
    reads.count = 0;
    return world.awaitOutcome.execute(new AwaitOutcomeQuery(actor, 'o1', waitMs, paymentId));
  };
  return { world, reads, arrangedPayment, awaitOutcome };
}

/** PayOrder for o1 as a client would send it; the hold request runs as after its commit. */
async function pay(world: ReturnType<typeof orderWorld>): Promise<string> {
  const { payment } = await world.pay.execute(new PayOrderCommand(customer('c1'), 'o1', 'credit_card', TEST_CARD));
  await world.uow.flush();
  return payment.id;
}

/** How long `work` took, in ms, with its result. */
async function timed<T>(work: Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work;
  return { ms: performance.now() - start, value };
}

beforeAll(() => Logger.overrideLogger(false));

describe('AwaitOutcomeHandler', () => {
  describe('for a payment', () => {
    it('returns once the payment is CAPTURED, polling until then', async () => {
      const { world, reads, awaitOutcome } = await setup('RESERVED');
      const paymentId = await pay(world);

      const waiting = timed(awaitOutcome(LONG_WAIT_MS, paymentId));
      await sleep(50);
      const readsBefore = reads.count;
      await world.deliver('o1', held(paymentId));
      await sleep(50);
      await world.deliver('o1', captured(paymentId));
      const { ms, value: view } = await waiting;

      expect(readsBefore).toBeGreaterThan(1);
      expect(view).toMatchObject({ status: 'PAID', payment: { id: paymentId, status: 'CAPTURED', transactionId: `${paymentId}-tx` } });
      expect(ms).toBeLessThan(LONG_WAIT_MS / 2);
    });

    it('answers as soon as this process commits the outcome, not at its next poll', async () => {
      const { world, awaitOutcome } = await setup('RESERVED');
      const paymentId = await pay(world);
      // Frozen timers: the only way left to look again is the change signal after a commit.
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      try {
        let answered = false;
        const waiting = awaitOutcome(LONG_WAIT_MS, paymentId).finally(() => (answered = true));
        await world.deliver('o1', held(paymentId));
        await world.uow.flush();
        await world.deliver('o1', captured(paymentId));
        expect(answered).toBe(false);
        await world.uow.flush(); // the capture's after-commit work: the signal
        expect(await waiting).toMatchObject({ status: 'PAID', payment: { id: paymentId, status: 'CAPTURED' } });
        expect(world.signals.watchedOrders).toBe(0);
      } finally {
        jest.useRealTimers();
      }
    });

    it('returns at once when the payment is already CAPTURED', async () => {
      const { arrangedPayment, reads, awaitOutcome } = await setup('PAID');

      const { ms, value: view } = await timed(awaitOutcome(LONG_WAIT_MS, arrangedPayment!));

      expect(view.payment).toMatchObject({ id: arrangedPayment, status: 'CAPTURED' });
      expect(reads.count).toBe(1);
      expect(ms).toBeLessThan(LONG_WAIT_MS / 2);
    });

    it('throws PaymentFailedError with the gateway’s reason when the payment FAILED', async () => {
      const { world, awaitOutcome } = await setup('RESERVED');
      const paymentId = await pay(world);

      const waiting = awaitOutcome(LONG_WAIT_MS, paymentId);
      await sleep(30);
      await world.deliver('o1', holdFailed(paymentId, 'INSUFFICIENT_FUNDS'));
      const error = await rejection(waiting, PaymentFailedError);

      expect(error.code).toBe('INSUFFICIENT_FUNDS');
      expect(error.details).toEqual({ orderId: 'o1', paymentId });
      // The order stays payable.
      expect(world.orders.stored('o1')?.status).toBe('RESERVED');
    });

    it('throws PAYMENT_PROVIDER_UNAVAILABLE when payment-service could not be asked', async () => {
      const { world, awaitOutcome } = await setup('RESERVED');
      world.holds.failWith();
      const paymentId = await pay(world);

      const error = await rejection(awaitOutcome(LONG_WAIT_MS, paymentId), PaymentFailedError);

      expect(error.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    });

    it('throws HOLD_TIMEOUT when the saga gave the hold up', async () => {
      const { world, awaitOutcome } = await setup('RESERVED');
      const paymentId = await pay(world);
      world.clock.advance(world.timing.holdTimeoutMs);
      await world.saga.fireDueTimeouts();

      const error = await rejection(awaitOutcome(LONG_WAIT_MS, paymentId), PaymentFailedError);

      expect(error.code).toBe('HOLD_TIMEOUT');
    });

    it.each([
      ['PROCESSING', [] as const],
      ['HELD', ['held'] as const],
    ])('returns the payment still %s at the wait limit', async (status, replies) => {
      const { world, reads, awaitOutcome } = await setup('RESERVED');
      const paymentId = await pay(world);
      if (replies.length > 0) await world.deliver('o1', held(paymentId));

      const { ms, value: view } = await timed(awaitOutcome(80, paymentId));

      expect(view).toMatchObject({ status: 'RESERVED', payment: { id: paymentId, status } });
      expect(reads.count).toBeGreaterThan(1);
      expect(ms).toBeGreaterThanOrEqual(40);
      expect(ms).toBeLessThan(1_000);
    });

    it('returns at once when a newer payment replaced the one awaited', async () => {
      const { world, reads, awaitOutcome } = await setup('RESERVED');
      const first = await pay(world);
      await world.deliver('o1', holdFailed(first));
      const second = await pay(world);

      const view = await awaitOutcome(LONG_WAIT_MS, first);

      expect(view.payment).toMatchObject({ id: second, status: 'PROCESSING' });
      expect(reads.count).toBe(1);
    });

    it('reports another customer’s order as not found', async () => {
      const { arrangedPayment, awaitOutcome } = await setup('PAID');

      await rejection(awaitOutcome(LONG_WAIT_MS, arrangedPayment!, customer('c2')), OrderNotFoundError);
    });
  });

  describe('for a refund (no payment id: the saga’s compensations)', () => {
    it('returns once the saga ENDED: the money refunded and the stock returned', async () => {
      const { world, arrangedPayment, awaitOutcome } = await setup('CONFIRMED');
      await world.refund.execute(new RefundOrderCommand(customer('c1'), 'o1', 'damaged'));

      const waiting = timed(awaitOutcome(LONG_WAIT_MS));
      await sleep(30);
      await world.deliver('o1', refunded(arrangedPayment!));
      await sleep(30);
      expect(world.sagas.stored('o1')?.phase).toBe('COMPENSATING');
      await world.deliver('o1', reservation('RESTOCKED'));
      const { ms, value: view } = await waiting;

      expect(view).toMatchObject({ status: 'REFUNDED', payment: { status: 'REFUNDED' } });
      expect(world.sagas.stored('o1')?.phase).toBe('ENDED');
      expect(ms).toBeLessThan(LONG_WAIT_MS / 2);
    });

    it('returns the order at the wait limit while the compensations are outstanding', async () => {
      const { world, awaitOutcome } = await setup('CONFIRMED');
      await world.refund.execute(new RefundOrderCommand(customer('c1'), 'o1', 'damaged'));

      const { ms, value: view } = await timed(awaitOutcome(80));

      expect(view.status).toBe('REFUNDED');
      expect(world.sagas.stored('o1')?.phase).toBe('COMPENSATING');
      expect(ms).toBeGreaterThanOrEqual(40);
    });

    it('returns at once for an order whose saga has nothing left to do, or that has none', async () => {
      const { reads, awaitOutcome } = await setup('CONFIRMED');
      expect((await awaitOutcome(LONG_WAIT_MS)).status).toBe('CONFIRMED');
      expect(reads.count).toBe(1);

      const world = orderWorld({ afterCommit: 'manual' });
      world.orders.seed(anOrder({ id: 'legacy', customerId: 'c1', state: 'REFUNDED' }));
      const view = await world.awaitOutcome.execute(new AwaitOutcomeQuery(customer('c1'), 'legacy', LONG_WAIT_MS));
      expect(view.status).toBe('REFUNDED');
    });
  });
});
