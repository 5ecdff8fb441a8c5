import { DomainError } from '#libs/ddd';
import { at, paymentIn, startProps, T0, type PaymentFixture } from '../../test/fakes/payment-fixtures.js';
import { Money } from './money.js';
import { Payment } from './payment.aggregate.js';
import { InvalidPaymentError } from './payment.errors.js';

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a domain error');
}

describe('Payment.start', () => {
  it('starts a PROCESSING payment at version 1, waiting for the hold', () => {
    const payment = Payment.start(startProps());

    expect(payment.toSnapshot()).toEqual({
      id: 'pay-1',
      orderId: 'order-1',
      customerId: 'alice',
      status: 'PROCESSING',
      pendingOperation: 'hold',
      amount: { currency: 'USD', amountMinor: 10050n },
      capturedMinor: 0n,
      refundedMinor: 0n,
      method: 'credit_card',
      provider: 'simulated',
      cardBrand: 'visa',
      cardLast4: '1111',
      gatewayToken: 'tok_abc',
      transactionId: '',
      failureReason: '',
      statusReason: '',
      version: 1,
      createTime: T0,
      updateTime: T0,
    });
    expect(payment.persistedVersion).toBe(1);
    expect(payment.pullEvents()).toEqual([
      { type: 'payment.operation_requested', paymentId: 'pay-1', orderId: 'order-1', operation: 'hold', occurredAt: T0 },
    ]);
  });

  it('lists every broken rule at once', () => {
    const start = (): Payment =>
      Payment.start(startProps({ id: '', orderId: '', amount: Money.zero('USD'), cardLast4: '11', gatewayToken: '' }));

    expect(start).toThrow(InvalidPaymentError);
    expect(start).toThrow(
      expect.objectContaining({
        violations: [
          { field: 'paymentId', description: 'must not be empty' },
          { field: 'orderId', description: 'must not be empty' },
          { field: 'gatewayToken', description: 'must not be empty' },
          { field: 'cardLast4', description: 'must be 4 digits' },
          { field: 'amount.amountMinor', description: 'must be greater than 0, got 0' },
        ],
      }),
    );
  });
});

describe('Payment outcomes', () => {
  it('hold succeeded: PROCESSING -> HELD with the transaction id', () => {
    const payment = paymentIn('PROCESSING');

    expect(payment.recordOutcome({ operation: 'hold', succeeded: true, transactionId: 'txn-9' }, at(1))).toBe(true);
    expect(payment.toSnapshot()).toMatchObject({ status: 'HELD', pendingOperation: null, transactionId: 'txn-9', version: 2 });
    expect(payment.pullEvents()).toEqual([
      {
        type: 'payment.operation_settled',
        paymentId: 'pay-1',
        orderId: 'order-1',
        operation: 'hold',
        succeeded: true,
        prevStatus: 'PROCESSING',
        newStatus: 'HELD',
        occurredAt: at(1),
      },
    ]);
  });

  it.each(['PAYMENT_DECLINED', 'INSUFFICIENT_FUNDS'])('hold declined (%s): PROCESSING -> FAILED with the reason', (reason) => {
    const payment = paymentIn('PROCESSING');
    payment.recordOutcome({ operation: 'hold', succeeded: false, failureReason: reason }, at(1));

    expect(payment.toSnapshot()).toMatchObject({ status: 'FAILED', failureReason: reason, pendingOperation: null });
  });

  it('capture succeeded: HELD -> CAPTURED, the full amount captured', () => {
    const payment = paymentIn('CAPTURING');
    payment.recordOutcome({ operation: 'capture', succeeded: true, transactionId: 'other' }, at(3));

    expect(payment.toSnapshot()).toMatchObject({ status: 'CAPTURED', capturedMinor: 10050n, transactionId: 'txn-1' });
  });

  it('capture failed: HELD -> CAPTURE_FAILED, the funds still held', () => {
    const payment = paymentIn('CAPTURING');
    payment.recordOutcome({ operation: 'capture', succeeded: false, failureReason: 'CAPTURE_FAILED' }, at(3));

    expect(payment.toSnapshot()).toMatchObject({ status: 'CAPTURE_FAILED', failureReason: 'CAPTURE_FAILED', capturedMinor: 0n });
    expect(payment.requestVoid('CAPTURE_FAILED', at(4))).toBe('requested');
  });

  it('void succeeded after a failed capture: CAPTURE_FAILED -> VOIDED', () => {
    const payment = paymentIn('CAPTURE_FAILED');
    payment.requestVoid('CAPTURE_FAILED', at(4));
    payment.recordOutcome({ operation: 'void', succeeded: true }, at(5));

    expect(payment.toSnapshot()).toMatchObject({ status: 'VOIDED', statusReason: 'CAPTURE_FAILED', failureReason: '' });
  });

  it('refund succeeded: CAPTURED -> REFUNDED, the captured amount returned', () => {
    const payment = paymentIn('REFUNDING');
    payment.recordOutcome({ operation: 'refund', succeeded: true }, at(5));

    expect(payment.toSnapshot()).toMatchObject({ status: 'REFUNDED', capturedMinor: 10050n, refundedMinor: 10050n });
  });

  it('a failed void keeps the hold and records why', () => {
    const payment = paymentIn('VOIDING');
    payment.recordOutcome({ operation: 'void', succeeded: false }, at(3));

    expect(payment.toSnapshot()).toMatchObject({ status: 'HELD', pendingOperation: null, failureReason: 'VOID_FAILED' });
    expect(payment.requestVoid('retry', at(4))).toBe('requested');
  });

  it('applies a capture outcome that arrives before the request was recorded', () => {
    const payment = paymentIn('HELD');

    expect(payment.recordOutcome({ operation: 'capture', succeeded: true }, at(2))).toBe(true);
    expect(payment.status).toBe('CAPTURED');
  });

  it.each<[PaymentFixture, 'hold' | 'capture' | 'void' | 'refund', boolean]>([
    ['HELD', 'hold', true],
    ['FAILED', 'hold', false],
    ['CAPTURED', 'capture', true],
    ['CAPTURE_FAILED', 'capture', false],
    ['VOIDED', 'void', true],
    ['REFUNDED', 'refund', true],
    ['HELD', 'void', false],
  ])('a repeated outcome (%s, %s succeeded=%p) changes nothing', (fixture, operation, succeeded) => {
    const payment = paymentIn(fixture);
    const before = payment.toSnapshot();

    expect(payment.recordOutcome({ operation, succeeded }, at(20))).toBe(false);
    expect(payment.toSnapshot()).toEqual(before);
    expect(payment.peekEvents()).toEqual([]);
  });

  it.each<[PaymentFixture, 'hold' | 'capture' | 'void' | 'refund', boolean]>([
    ['PROCESSING', 'capture', true],
    ['FAILED', 'hold', true],
    ['VOIDED', 'capture', true],
    ['CAPTURED', 'void', true],
    ['HELD', 'refund', true],
    ['REFUNDED', 'capture', true],
  ])('a contradicting outcome (%s, %s) is refused and changes nothing', (fixture, operation, succeeded) => {
    const payment = paymentIn(fixture);
    const before = payment.toSnapshot();

    expect(codeOf(() => payment.recordOutcome({ operation, succeeded }, at(20)))).toBe('ILLEGAL_TRANSITION');
    expect(payment.toSnapshot()).toEqual(before);
  });
});

describe('Payment requests', () => {
  it('requestCapture on HELD: pending capture, version + 1, one event', () => {
    const payment = paymentIn('HELD');

    expect(payment.requestCapture(at(2))).toBe('requested');
    expect(payment.toSnapshot()).toMatchObject({ status: 'HELD', pendingOperation: 'capture', version: 3, updateTime: at(2) });
    expect(payment.pullEvents()).toEqual([expect.objectContaining({ type: 'payment.operation_requested', operation: 'capture' })]);
  });

  it('requestVoid and requestRefund keep the reason for audit', () => {
    expect(paymentIn('VOIDING').toSnapshot()).toMatchObject({ pendingOperation: 'void', statusReason: 'PAYMENT_TIMEOUT' });
    expect(paymentIn('REFUNDING').toSnapshot()).toMatchObject({ pendingOperation: 'refund', statusReason: 'damaged' });
  });

  it.each<[PaymentFixture, 'capture' | 'void' | 'refund', string]>([
    ['CAPTURING', 'capture', 'in_flight'],
    ['CAPTURED', 'capture', 'settled'],
    ['CAPTURE_FAILED', 'capture', 'settled'],
    ['REFUNDED', 'capture', 'settled'],
    ['VOIDING', 'void', 'in_flight'],
    ['VOIDED', 'void', 'settled'],
    ['FAILED', 'void', 'settled'],
    ['REFUNDING', 'refund', 'in_flight'],
    ['REFUNDED', 'refund', 'settled'],
  ])('a repeated request on %s (%s) is %s and changes nothing', (fixture, operation, decision) => {
    const payment = paymentIn(fixture);
    const before = payment.toSnapshot();
    const request = {
      capture: () => payment.requestCapture(at(20)),
      void: () => payment.requestVoid('again', at(20)),
      refund: () => payment.requestRefund('again', at(20)),
    }[operation];

    expect(request()).toBe(decision);
    expect(payment.toSnapshot()).toEqual(before);
    expect(payment.peekEvents()).toEqual([]);
  });

  it.each<[PaymentFixture, 'capture' | 'void' | 'refund', string]>([
    ['PROCESSING', 'capture', 'OPERATION_IN_PROGRESS'],
    ['VOIDING', 'capture', 'OPERATION_IN_PROGRESS'],
    ['FAILED', 'capture', 'PAYMENT_NOT_CAPTURABLE'],
    ['VOIDED', 'capture', 'PAYMENT_NOT_CAPTURABLE'],
    ['PROCESSING', 'void', 'OPERATION_IN_PROGRESS'],
    ['CAPTURING', 'void', 'OPERATION_IN_PROGRESS'],
    ['CAPTURED', 'void', 'PAYMENT_NOT_VOIDABLE'],
    ['REFUNDED', 'void', 'PAYMENT_NOT_VOIDABLE'],
    ['PROCESSING', 'refund', 'OPERATION_IN_PROGRESS'],
    ['CAPTURING', 'refund', 'OPERATION_IN_PROGRESS'],
    ['HELD', 'refund', 'PAYMENT_NOT_REFUNDABLE'],
    ['CAPTURE_FAILED', 'refund', 'PAYMENT_NOT_REFUNDABLE'],
    ['VOIDED', 'refund', 'PAYMENT_NOT_REFUNDABLE'],
    ['FAILED', 'refund', 'PAYMENT_NOT_REFUNDABLE'],
  ])('%s refuses %s with %s and changes nothing', (fixture, operation, code) => {
    const payment = paymentIn(fixture);
    const before = payment.toSnapshot();
    const request = {
      capture: () => payment.requestCapture(at(20)),
      void: () => payment.requestVoid('x', at(20)),
      refund: () => payment.requestRefund('x', at(20)),
    }[operation];

    expect(codeOf(request)).toBe(code);
    expect(payment.toSnapshot()).toEqual(before);
    expect(payment.peekEvents()).toEqual([]);
  });

  it('a captured payment points the caller to refund', () => {
    expect(() => paymentIn('CAPTURED').requestVoid('x', at(20))).toThrow('Payment pay-1 is CAPTURED and can no longer be voided; refund it instead');
  });
});

describe('Payment persistence', () => {
  it('restore(toSnapshot()) reproduces the payment without events', () => {
    const original = paymentIn('CAPTURING');
    const restored = Payment.restore(original.toSnapshot());

    expect(restored.toSnapshot()).toEqual(original.toSnapshot());
    expect(restored.peekEvents()).toEqual([]);
    expect(restored.persistedVersion).toBe(original.version);
  });

  it('persistedVersion stays at the loaded version until markPersisted', () => {
    const payment = Payment.restore(paymentIn('HELD').toSnapshot());
    payment.requestCapture(at(2));

    expect([payment.persistedVersion, payment.version]).toEqual([2, 3]);
    payment.markPersisted();
    expect(payment.persistedVersion).toBe(3);
  });

  it('a snapshot is a copy', () => {
    const payment = paymentIn('HELD');
    payment.toSnapshot().createTime.setTime(0);

    expect(payment.toSnapshot().createTime).toEqual(T0);
  });
});
