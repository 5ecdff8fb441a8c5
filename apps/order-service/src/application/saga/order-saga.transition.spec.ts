import type { OrderSagaState, SagaInput, SagaPhase } from './order-saga.state.js';
import type { Compensation } from './order-saga.steps.js';
import { decide, startSaga, type SagaClock, type SagaDecision } from './order-saga.transition.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const clock: SagaClock = { now: NOW, paymentTimeoutMs: 900_000, holdTimeoutMs: 60_000 };
const later = (ms: number): Date => new Date(NOW.getTime() + ms);

function state(phase: SagaPhase, extra: Partial<OrderSagaState> = {}): OrderSagaState {
  return { orderId: 'o-1', phase, paymentId: phase === 'RESERVING' || phase === 'AWAITING_PAYMENT' ? null : 'pay-1', pending: [], deadline: null, paymentDeadline: null, ...extra };
}

const reservation = (status: Extract<SagaInput, { kind: 'reservation' }>['status']): SagaInput => ({ kind: 'reservation', status });
const payment = (
  op: 'hold' | 'capture' | 'void' | 'refund',
  status: 'HELD' | 'FAILED' | 'CAPTURED' | 'VOIDED' | 'REFUNDED',
  extra: { paymentId?: string; failureReason?: string; transactionId?: string } = {},
): SagaInput => ({ kind: 'payment', op, status, paymentId: extra.paymentId ?? 'pay-1', failureReason: extra.failureReason ?? '', transactionId: extra.transactionId ?? '' });

function advanced(d: SagaDecision): Extract<SagaDecision, { outcome: 'advance' }> {
  if (d.outcome !== 'advance') throw new Error(`expected advance, got ${d.outcome}`);
  return d;
}

describe('startSaga', () => {
  it('reserves the stock of a new order', () => {
    expect(startSaga('o-1')).toEqual({
      state: { orderId: 'o-1', phase: 'RESERVING', paymentId: null, pending: [], deadline: null, paymentDeadline: null },
      commands: ['inventory.reserve'],
    });
  });
});

describe('the happy path: create -> reserve -> pay -> hold -> capture -> commit', () => {
  it.each<[string, OrderSagaState, SagaInput, Partial<OrderSagaState>, unknown[], string[]]>([
    ['stock reserved: wait for payment until the deadline', state('RESERVING'), reservation('RESERVED'),
      { phase: 'AWAITING_PAYMENT', deadline: later(900_000), paymentDeadline: later(900_000) }, [{ do: 'markReserved' }], []],
    ['PayOrder accepted: the hold is awaited until its deadline', state('AWAITING_PAYMENT', { deadline: later(1) }), { kind: 'payment-started', paymentId: 'pay-9' },
      { phase: 'HOLDING', paymentId: 'pay-9', deadline: later(60_000) }, [], []],
    ['held: capture it', state('HOLDING', { deadline: later(5), paymentDeadline: later(9) }), payment('hold', 'HELD'),
      { phase: 'CAPTURING', deadline: null, paymentDeadline: null }, [{ do: 'markPaymentHeld' }], ['payment.capture']],
    ['captured: the order is paid, commit the stock', state('CAPTURING'), payment('capture', 'CAPTURED', { transactionId: 'txn-1' }),
      { phase: 'COMMITTING' }, [{ do: 'markPaid', transactionId: 'txn-1' }], ['inventory.commit']],
    ['committed: confirmed', state('COMMITTING'), reservation('COMMITTED'),
      { phase: 'COMPLETED', deadline: null }, [{ do: 'markConfirmed' }], []],
  ])('%s', (_name, from, input, expected, order, commands) => {
    const d = advanced(decide(from, input, clock));
    expect(d.state).toEqual({ ...from, ...expected });
    expect(d.order).toEqual(order);
    expect(d.commands).toEqual(commands);
  });
});

describe('failures and compensations', () => {
  it('cancels with INSUFFICIENT_STOCK when the reservation is rejected; nothing to undo', () => {
    const d = advanced(decide(state('RESERVING'), reservation('REJECTED'), clock));
    expect(d.state.phase).toBe('ENDED');
    expect(d.order).toEqual([{ do: 'cancel', reason: 'INSUFFICIENT_STOCK' }]);
    expect(d.commands).toEqual([]);
  });

  it('keeps a declined order RESERVED and payable again, with its original deadline', () => {
    const from = state('HOLDING', { deadline: later(5), paymentDeadline: later(10) });
    const d = advanced(decide(from, payment('hold', 'FAILED', { failureReason: 'INSUFFICIENT_FUNDS' }), clock));
    expect(d.state).toMatchObject({ phase: 'AWAITING_PAYMENT', paymentId: 'pay-1', deadline: later(10) });
    expect(d.order).toEqual([{ do: 'markPaymentFailed', reason: 'INSUFFICIENT_FUNDS' }]);
    expect(d.commands).toEqual([]);
  });

  it('voids the hold and releases the stock when the capture fails: CANCELED CAPTURE_FAILED', () => {
    const d = advanced(decide(state('CAPTURING'), payment('capture', 'FAILED', { failureReason: 'CAPTURE_FAILED' }), clock));
    expect(d.state).toMatchObject({ phase: 'COMPENSATING', pending: ['payment.void', 'inventory.release'] });
    expect(d.order).toEqual([{ do: 'cancel', reason: 'CAPTURE_FAILED' }]);
    expect(d.commands).toEqual(['payment.void', 'inventory.release']);
  });

  it.each<[SagaPhase]>([['RESERVING'], ['AWAITING_PAYMENT']])('a cancel in %s releases the stock', (phase) => {
    const d = advanced(decide(state(phase), { kind: 'cancel-requested', reason: 'changed my mind' }, clock));
    expect(d.state).toMatchObject({ phase: 'COMPENSATING', pending: ['inventory.release'] });
    expect(d.order).toEqual([{ do: 'cancel', reason: 'changed my mind' }]);
    expect(d.commands).toEqual(['inventory.release']);
  });

  it('a refund of a confirmed order refunds the money and restocks', () => {
    const d = advanced(decide(state('COMPLETED'), { kind: 'refund-requested', reason: 'damaged' }, clock));
    expect(d.state).toMatchObject({ phase: 'COMPENSATING', pending: ['payment.refund', 'inventory.restock'] });
    expect(d.order).toEqual([{ do: 'refund', reason: 'damaged' }]);
    expect(d.commands).toEqual(['payment.refund', 'inventory.restock']);
  });

  it('cancels with PAYMENT_TIMEOUT and releases once the payment deadline passed', () => {
    const d = advanced(decide(state('AWAITING_PAYMENT', { deadline: later(-1) }), { kind: 'timeout' }, clock));
    expect(d.order).toEqual([{ do: 'cancel', reason: 'PAYMENT_TIMEOUT' }]);
    expect(d.commands).toEqual(['inventory.release']);
  });

  it('ignores a timeout before the deadline (another replica fired early, or the clock moved)', () => {
    expect(decide(state('AWAITING_PAYMENT', { deadline: later(1) }), { kind: 'timeout' }, clock)).toEqual({ outcome: 'ignore' });
  });

  it('gives up a hold that never answered: the attempt fails, is voided just in case, and the order waits for payment again', () => {
    const d = advanced(decide(state('HOLDING', { deadline: later(-1), paymentDeadline: later(600_000) }), { kind: 'timeout' }, clock));
    expect(d.order).toEqual([{ do: 'markPaymentFailed', reason: 'HOLD_TIMEOUT' }]);
    expect(d.commands).toEqual(['payment.void']);
    // Until its own payment deadline, as after a decline; a new attempt waits for the void.
    expect(d.state).toMatchObject({ phase: 'AWAITING_PAYMENT', pending: ['payment.void'], deadline: later(600_000), paymentDeadline: later(600_000) });
    expect(decide(d.state, { kind: 'payment-started', paymentId: 'pay-2' }, clock)).toEqual({ outcome: 'busy' });
  });

  it('cancels with PAYMENT_TIMEOUT when the payment deadline passed while the hold was awaited, voiding and releasing', () => {
    const given = advanced(decide(state('HOLDING', { deadline: later(-1), paymentDeadline: later(-2) }), { kind: 'timeout' }, clock));
    const d = advanced(decide(given.state, { kind: 'timeout' }, clock));
    expect(d.order).toEqual([{ do: 'cancel', reason: 'PAYMENT_TIMEOUT' }]);
    expect(d.commands).toEqual(['inventory.release']);
    expect(d.state).toMatchObject({ phase: 'COMPENSATING', pending: ['payment.void', 'inventory.release'] });
  });

  it.each<[string, Compensation[], SagaInput, Compensation[], SagaPhase]>([
    ['release confirmed, void outstanding', ['payment.void', 'inventory.release'], reservation('RELEASED'), ['payment.void'], 'COMPENSATING'],
    ['last compensation confirmed', ['payment.void'], payment('void', 'VOIDED'), [], 'ENDED'],
    ['refund confirmed', ['payment.refund', 'inventory.restock'], payment('refund', 'REFUNDED'), ['inventory.restock'], 'COMPENSATING'],
    ['restock confirmed', ['inventory.restock'], reservation('RESTOCKED'), [], 'ENDED'],
    ['a reservation rejected after the cancel: nothing to release', ['inventory.release'], reservation('REJECTED'), [], 'ENDED'],
    ['a hold failed after the void was sent: nothing to void', ['payment.void'], payment('hold', 'FAILED'), [], 'ENDED'],
  ])('settles: %s', (_name, pending, input, left, phase) => {
    const d = advanced(decide(state('COMPENSATING', { pending }), input, clock));
    expect(d.state).toMatchObject({ phase, pending: left });
    expect(d.commands).toEqual([]);
  });
});

describe('late, duplicate and foreign replies', () => {
  it('releases again a reservation that arrived after the cancel', () => {
    const d = advanced(decide(state('COMPENSATING', { pending: ['inventory.release'] }), reservation('RESERVED'), clock));
    expect(d.commands).toEqual(['inventory.release']);
    expect(d.state.pending).toEqual(['inventory.release']);
  });

  it('voids the hold of a payment already replaced, without tracking it', () => {
    const d = advanced(decide(state('AWAITING_PAYMENT', { paymentId: 'pay-2' }), payment('hold', 'HELD', { paymentId: 'pay-1' }), clock));
    expect(d).toMatchObject({ commands: ['payment.void'], paymentId: 'pay-1', order: [] });
    expect(d.state).toEqual(state('AWAITING_PAYMENT', { paymentId: 'pay-2' }));
  });

  it('refuses a new payment while the previous one is being voided', () => {
    expect(decide(state('AWAITING_PAYMENT', { pending: ['payment.void'] }), { kind: 'payment-started', paymentId: 'p' }, clock)).toEqual({ outcome: 'busy' });
  });

  it('voids a hold that arrived after the order was given up, even once the saga ended', () => {
    const d = advanced(decide(state('ENDED'), payment('hold', 'HELD'), clock));
    expect(d.commands).toEqual(['payment.void']);
    expect(d.state).toMatchObject({ phase: 'COMPENSATING', pending: ['payment.void'] });
  });

  it.each<[string, OrderSagaState, SagaInput]>([
    ['a duplicate RESERVED', state('AWAITING_PAYMENT'), reservation('RESERVED')],
    ['a duplicate HELD while capturing', state('CAPTURING'), payment('hold', 'HELD')],
    ['a duplicate CAPTURED', state('COMMITTING'), payment('capture', 'CAPTURED')],
    ['a duplicate COMMITTED', state('COMPLETED'), reservation('COMMITTED')],
    ['a duplicate RELEASED', state('ENDED'), reservation('RELEASED')],
    ['a reply for an older payment', state('HOLDING'), payment('hold', 'FAILED', { paymentId: 'pay-0' })],
    ['a capture reply for an older payment', state('CAPTURING'), payment('capture', 'CAPTURED', { paymentId: 'pay-0' })],
    ['a void nobody asked for', state('COMPLETED'), payment('void', 'VOIDED')],
  ])('ignores %s', (_name, from, input) => {
    expect(decide(from, input, clock)).toEqual({ outcome: 'ignore' });
  });
});

describe('operations never interleave', () => {
  it.each<[SagaPhase, SagaInput]>([
    ['HOLDING', { kind: 'cancel-requested', reason: 'x' }],
    ['CAPTURING', { kind: 'cancel-requested', reason: 'x' }],
    ['CAPTURING', { kind: 'refund-requested', reason: 'x' }],
    ['COMMITTING', { kind: 'refund-requested', reason: 'x' }],
    ['HOLDING', { kind: 'payment-started', paymentId: 'pay-2' }],
    ['RESERVING', { kind: 'payment-started', paymentId: 'pay-2' }],
  ])('%s: %j is busy', (phase, input) => {
    expect(decide(state(phase), input, clock)).toEqual({ outcome: 'busy' });
  });

  it.each<[SagaPhase, SagaInput]>([
    ['COMMITTING', { kind: 'cancel-requested', reason: 'x' }],
    ['COMPLETED', { kind: 'cancel-requested', reason: 'x' }],
    ['ENDED', { kind: 'cancel-requested', reason: 'x' }],
    ['AWAITING_PAYMENT', { kind: 'refund-requested', reason: 'x' }],
  ])('%s: %j is left to the order, which refuses it', (phase, input) => {
    expect(decide(state(phase), input, clock)).toEqual({ outcome: 'ignore' });
  });
});

describe('a late hold undone while the order still waits for payment', () => {
  it('stays AWAITING_PAYMENT when the void is confirmed', () => {
    const d = advanced(decide(state('AWAITING_PAYMENT', { paymentId: 'pay-1', pending: ['payment.void'] }), payment('void', 'VOIDED'), clock));
    expect(d.state).toMatchObject({ phase: 'AWAITING_PAYMENT', pending: [] });
  });
});
