import fc from 'fast-check';
import { Money } from '../../domain/money.js';
import { Order } from '../../domain/order.aggregate.js';
import type { OrderSagaState, SagaInput } from './order-saga.state.js';
import { applyChange } from './order-saga.coordinator.js';
import { decide, startSaga, type SagaClock } from './order-saga.transition.js';

/**
 * Whatever replies arrive, in whatever order and however often, the saga only ever asks the Order
 * aggregate for transitions it accepts, and its bookkeeping of compensations stays consistent.
 */
const NOW = new Date('2030-01-01T00:00:00Z');

const paymentIds = fc.constantFrom('pay-1', 'pay-2', 'pay-3');
const input: fc.Arbitrary<SagaInput> = fc.oneof(
  fc.record({
    kind: fc.constant('reservation' as const),
    status: fc.constantFrom('RESERVED', 'REJECTED', 'RELEASED', 'COMMITTED', 'RESTOCKED' as const),
  }),
  fc.record({ kind: fc.constant('payment-started' as const), paymentId: paymentIds }),
  fc.record({
    kind: fc.constant('payment' as const),
    op: fc.constantFrom('hold', 'capture', 'void', 'refund' as const),
    paymentId: paymentIds,
    status: fc.constantFrom('HELD', 'FAILED', 'CAPTURED', 'VOIDED', 'REFUNDED' as const),
    failureReason: fc.constantFrom('', 'PAYMENT_DECLINED'),
    transactionId: fc.constant('txn'),
  }),
  fc.record({ kind: fc.constant('cancel-requested' as const), reason: fc.constant('by customer') }),
  fc.record({ kind: fc.constant('refund-requested' as const), reason: fc.constant('by customer') }),
  fc.constant({ kind: 'timeout' as const }),
);


describe('order saga properties', () => {
  it('never asks the order for a transition it refuses, and keeps its pending set consistent', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(input, fc.integer({ min: 0, max: 2_000_000 })), { maxLength: 40 }), (steps) => {
        const order = Order.create({
          id: 'o-1',
          customerId: 'c',
          items: [{ sku: 'P001', qty: 1, unitPrice: Money.of(100n, 'USD') }],
          now: NOW,
        });
        let saga: OrderSagaState = startSaga('o-1').state;
        let elapsed = 0;
        for (const [next, advanceMs] of steps) {
          elapsed += advanceMs;
          const now = new Date(NOW.getTime() + elapsed);
          const clock: SagaClock = { now, paymentTimeoutMs: 900_000, holdTimeoutMs: 60_000 };
          const decision = decide(saga, next, clock);
          if (decision.outcome !== 'advance') continue;
          if (next.kind === 'payment-started') {
            // What PayOrder does before it tells the saga.
            order.startPayment({ paymentId: next.paymentId, provider: 'simulated', method: 'credit_card', cardBrand: 'visa', cardLast4: '1111', now });
          }
          for (const change of decision.order) applyChange(order, change, now);
          saga = decision.state;

          expect(new Set(saga.pending).size).toBe(saga.pending.length);
          expect(saga.phase === 'ENDED').toBe(saga.pending.length === 0 && saga.phase === 'ENDED');
          if (saga.phase === 'COMPENSATING') expect(saga.pending.length).toBeGreaterThan(0);
          for (const c of decision.commands) {
            // A stray hold's void (decision.paymentId) is sent but deliberately not tracked.
            if (decision.paymentId === undefined && ['inventory.release', 'inventory.restock', 'payment.void', 'payment.refund'].includes(c)) {
              expect(saga.pending).toContain(c);
            }
          }
          // The saga's phase and the order's status tell the same story.
          if (saga.phase === 'AWAITING_PAYMENT' || saga.phase === 'HOLDING' || saga.phase === 'CAPTURING') {
            expect(order.status).toBe('RESERVED');
          }
          if (saga.phase === 'COMPLETED') expect(order.status).toBe('CONFIRMED');
          if (saga.phase === 'ENDED' || saga.phase === 'COMPENSATING') expect(['CANCELED', 'REFUNDED']).toContain(order.status);
          if (saga.phase === 'COMMITTING') expect(order.status).toBe('PAID');
        }
      }),
      { numRuns: 500 },
    );
  });
});
