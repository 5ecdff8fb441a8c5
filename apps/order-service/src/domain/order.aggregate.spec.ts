import { DomainError } from '#libs/ddd';
import { Money } from './money.js';
import { Order, type CreateOrderProps } from './order.aggregate.js';
import { InvalidOrderError } from './order.errors.js';

const T0 = new Date('2030-01-01T00:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const usd = (minor: bigint): Money => Money.of(minor, 'USD');

const createProps = (overrides: Partial<CreateOrderProps> = {}): CreateOrderProps => ({
  id: 'o1',
  customerId: 'c1',
  items: [
    { sku: 'P001', qty: 2, unitPrice: usd(3350n) },
    { sku: 'P002', qty: 1, unitPrice: usd(3350n) },
  ],
  now: T0,
  ...overrides,
});

const payment = { paymentId: 'p1', provider: 'simulated', method: 'credit_card', cardBrand: 'VISA', cardLast4: '1111' };

type Fixture =
  | 'PENDING'
  | 'RESERVED'
  | 'PROCESSING'
  | 'HELD'
  | 'FAILED'
  | 'PAID'
  | 'CONFIRMED'
  | 'CANCELED'
  | 'REFUNDED';

const PATHS: Record<Fixture, readonly ((o: Order) => void)[]> = (() => {
  const reserve = (o: Order): void => o.markReserved(at(1));
  const start = (o: Order): void => o.startPayment({ ...payment, now: at(2) });
  const hold = (o: Order): void => o.markPaymentHeld(at(3));
  const pay = (o: Order): void => o.markPaid('tx-1', at(4));
  return {
    PENDING: [],
    RESERVED: [reserve],
    PROCESSING: [reserve, start],
    HELD: [reserve, start, hold],
    FAILED: [reserve, start, (o) => o.markPaymentFailed('PAYMENT_DECLINED', at(3))],
    PAID: [reserve, start, hold, pay],
    CONFIRMED: [reserve, start, hold, pay, (o) => o.markConfirmed(at(5))],
    CANCELED: [reserve, (o) => o.cancel('PAYMENT_TIMEOUT', at(10))],
    REFUNDED: [reserve, start, hold, pay, (o) => o.refund('changed my mind', at(10))],
  };
})();

/** A created order driven to `fixture` (FAILED, PROCESSING and HELD name the payment; the order is RESERVED). */
function orderIn(fixture: Fixture): Order {
  const order = Order.create(createProps());
  for (const step of PATHS[fixture]) step(order);
  order.pullEvents();
  return order;
}

function codeOf(action: () => void): string {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a domain error');
}

describe('Order.create', () => {
  it('creates a PENDING order at version 1 with the computed amount', () => {
    const order = Order.create(createProps());

    expect(order.id).toBe('o1');
    expect(order.customerId).toBe('c1');
    expect(order.status).toBe('PENDING');
    expect(order.statusReason).toBe('');
    expect(order.amount.equals(usd(10050n))).toBe(true);
    expect(order.items.map((i) => [i.sku, i.qty, i.unitPrice.amountMinor])).toEqual([
      ['P001', 2, 3350n],
      ['P002', 1, 3350n],
    ]);
    expect(order.version).toBe(1);
    expect(order.persistedVersion).toBe(1);
    expect(order.createTime).toEqual(T0);
    expect(order.updateTime).toEqual(T0);
    expect(order.payment).toBeNull();
    expect(order.pullEvents()).toEqual([
      {
        type: 'order.status_changed',
        orderId: 'o1',
        prevStatus: null,
        newStatus: 'PENDING',
        reason: '',
        seq: 1,
        occurredAt: T0,
      },
    ]);
  });

  it('accepts the limits: 100 items, qty 1 and 10000, a zero price', () => {
    const items = Array.from({ length: 100 }, (_, i) => ({
      sku: `S${i}`,
      qty: i === 0 ? 10_000 : 1,
      unitPrice: usd(0n),
    }));

    expect(Order.create(createProps({ items })).items).toHaveLength(100);
  });

  it('refuses an order without items', () => {
    expect(() => Order.create(createProps({ items: [] }))).toThrow(
      expect.objectContaining({
        code: 'INVALID_ORDER',
        violations: [{ field: 'items', description: 'must contain between 1 and 100 items, got 0' }],
      }),
    );
  });

  it('refuses more than 100 items', () => {
    const items = Array.from({ length: 101 }, (_, i) => ({ sku: `S${i}`, qty: 1, unitPrice: usd(1n) }));

    expect(() => Order.create(createProps({ items }))).toThrow(
      expect.objectContaining({ violations: [expect.objectContaining({ field: 'items' })] }),
    );
  });

  it('collects every violation into one InvalidOrderError', () => {
    const items = [
      { sku: 'P001', qty: 0, unitPrice: usd(1n) },
      { sku: 'P002', qty: 1.5, unitPrice: Money.of(1n, 'EUR') },
      { sku: 'P001', qty: 10_001, unitPrice: usd(1n) },
      { sku: '', qty: 1, unitPrice: usd(1n) },
    ];

    let error: unknown;
    try {
      Order.create(createProps({ customerId: '', items }));
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(InvalidOrderError);
    const invalid = error as InvalidOrderError;
    expect(invalid.code).toBe('INVALID_ORDER');
    expect(invalid.violations.map((v) => v.field)).toEqual([
      'customerId',
      'items[0].qty',
      'items[1].qty',
      'items[1].price',
      'items[2].sku',
      'items[2].qty',
      'items[3].sku',
    ]);
    expect(invalid.violations[4]!.description).toBe('sku P001 already appears in items[0]; list each sku once');
    expect(invalid.violations[3]!.description).toContain('EUR differs from USD');
    expect(invalid.message).toContain('items[2].qty: must be a whole number between 1 and 10000, got 10001');
    expect(invalid.details['items[0].qty']).toBe('must be a whole number between 1 and 10000, got 0');
  });

  it('refuses a total that does not fit in int64', () => {
    const items = [
      { sku: 'A', qty: 10_000, unitPrice: usd(2n ** 62n) },
      { sku: 'B', qty: 1, unitPrice: usd(1n) },
    ];

    expect(codeOf(() => Order.create(createProps({ items })))).toBe('INVALID_ORDER');
  });
});

describe('Order transitions', () => {
  it('markReserved: PENDING -> RESERVED', () => {
    const order = orderIn('PENDING');
    order.markReserved(at(1));

    expect(order.status).toBe('RESERVED');
    expect(order.version).toBe(2);
    expect(order.updateTime).toEqual(at(1));
    expect(order.pullEvents()).toEqual([
      expect.objectContaining({ type: 'order.status_changed', prevStatus: 'PENDING', newStatus: 'RESERVED', seq: 2 }),
    ]);
  });

  it('startPayment: records a PROCESSING payment, the order stays RESERVED', () => {
    const order = orderIn('RESERVED');
    order.startPayment({ ...payment, now: at(2) });

    expect(order.status).toBe('RESERVED');
    expect(order.version).toBe(3);
    expect(order.payment).toEqual({
      id: 'p1',
      status: 'PROCESSING',
      provider: 'simulated',
      method: 'credit_card',
      cardBrand: 'VISA',
      cardLast4: '1111',
      transactionId: '',
      failureReason: '',
    });
    expect(order.pullEvents()).toEqual([
      {
        type: 'payment.status_changed',
        orderId: 'o1',
        paymentId: 'p1',
        prevStatus: null,
        newStatus: 'PROCESSING',
        provider: 'simulated',
        externalId: '',
        seq: 1,
        occurredAt: at(2),
      },
    ]);
  });

  it('markPaymentHeld: PROCESSING -> HELD', () => {
    const order = orderIn('PROCESSING');
    order.markPaymentHeld(at(3));

    expect(order.payment?.status).toBe('HELD');
    expect(order.pullEvents()).toEqual([
      expect.objectContaining({ prevStatus: 'PROCESSING', newStatus: 'HELD', seq: 2 }),
    ]);
  });

  it('markPaymentFailed: payment FAILED with the reason, order stays RESERVED', () => {
    const order = orderIn('PROCESSING');
    order.markPaymentFailed('INSUFFICIENT_FUNDS', at(3));

    expect(order.status).toBe('RESERVED');
    expect(order.payment).toEqual(expect.objectContaining({ status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS' }));
    expect(order.pullEvents()).toEqual([expect.objectContaining({ prevStatus: 'PROCESSING', newStatus: 'FAILED' })]);
  });

  it('startPayment after a declined payment starts a new one', () => {
    const order = orderIn('FAILED');
    order.startPayment({ ...payment, paymentId: 'p2', now: at(4) });

    expect(order.payment).toEqual(expect.objectContaining({ id: 'p2', status: 'PROCESSING', failureReason: '' }));
    expect(order.pullEvents()).toEqual([
      expect.objectContaining({ paymentId: 'p2', prevStatus: 'FAILED', newStatus: 'PROCESSING', seq: 3 }),
    ]);
  });

  it.each(['PROCESSING', 'HELD'] as const)('markPaid from a %s payment: CAPTURED and PAID in one version', (from) => {
    const order = orderIn(from);
    const version = order.version;
    order.markPaid('tx-9', at(4));

    expect(order.status).toBe('PAID');
    expect(order.payment).toEqual(expect.objectContaining({ status: 'CAPTURED', transactionId: 'tx-9' }));
    expect(order.version).toBe(version + 1);
    expect(order.pullEvents()).toEqual([
      expect.objectContaining({
        type: 'payment.status_changed',
        prevStatus: from,
        newStatus: 'CAPTURED',
        externalId: 'tx-9',
      }),
      expect.objectContaining({ type: 'order.status_changed', prevStatus: 'RESERVED', newStatus: 'PAID', seq: 3 }),
    ]);
  });

  it('markConfirmed: PAID -> CONFIRMED', () => {
    const order = orderIn('PAID');
    order.markConfirmed(at(5));

    expect(order.status).toBe('CONFIRMED');
    expect(order.pullEvents()).toEqual([
      expect.objectContaining({ prevStatus: 'PAID', newStatus: 'CONFIRMED', seq: 4 }),
    ]);
  });

  it.each(['PENDING', 'RESERVED', 'FAILED'] as const)('cancel from %s: CANCELED with the reason', (from) => {
    const order = orderIn(from);
    order.cancel('INSUFFICIENT_STOCK', at(9));

    expect(order.status).toBe('CANCELED');
    expect(order.statusReason).toBe('INSUFFICIENT_STOCK');
    expect(order.pullEvents()).toEqual([
      expect.objectContaining({ type: 'order.status_changed', newStatus: 'CANCELED', reason: 'INSUFFICIENT_STOCK' }),
    ]);
  });

  it('cancel with a HELD payment voids it in the same change', () => {
    const order = orderIn('HELD');
    const version = order.version;
    order.cancel('CAPTURE_FAILED', at(9));

    expect(order.status).toBe('CANCELED');
    expect(order.payment?.status).toBe('VOIDED');
    expect(order.version).toBe(version + 1);
    expect(order.pullEvents()).toEqual([
      expect.objectContaining({ type: 'payment.status_changed', prevStatus: 'HELD', newStatus: 'VOIDED' }),
      expect.objectContaining({ type: 'order.status_changed', prevStatus: 'RESERVED', newStatus: 'CANCELED' }),
    ]);
  });

  it.each(['PAID', 'CONFIRMED'] as const)('refund from %s: REFUNDED, payment REFUNDED', (from) => {
    const order = orderIn(from);
    order.refund('damaged', at(9));

    expect(order.status).toBe('REFUNDED');
    expect(order.statusReason).toBe('damaged');
    expect(order.payment?.status).toBe('REFUNDED');
    expect(order.pullEvents()).toEqual([
      expect.objectContaining({ type: 'payment.status_changed', prevStatus: 'CAPTURED', newStatus: 'REFUNDED' }),
      expect.objectContaining({ type: 'order.status_changed', newStatus: 'REFUNDED', reason: 'damaged' }),
    ]);
  });
});

describe('Order refusals', () => {
  const commands: Record<string, (o: Order) => void> = {
    markReserved: (o) => o.markReserved(at(20)),
    startPayment: (o) => o.startPayment({ ...payment, paymentId: 'p9', now: at(20) }),
    markPaymentHeld: (o) => o.markPaymentHeld(at(20)),
    markPaymentFailed: (o) => o.markPaymentFailed('PAYMENT_DECLINED', at(20)),
    markPaid: (o) => o.markPaid('tx-9', at(20)),
    markConfirmed: (o) => o.markConfirmed(at(20)),
    cancel: (o) => o.cancel('too late', at(20)),
    refund: (o) => o.refund('too early', at(20)),
  };

  it.each<[string, Fixture, string]>([
    ['markReserved', 'RESERVED', 'ILLEGAL_TRANSITION'],
    ['startPayment', 'PENDING', 'ORDER_NOT_PAYABLE'],
    ['startPayment', 'PAID', 'ORDER_NOT_PAYABLE'],
    ['startPayment', 'CANCELED', 'ORDER_NOT_PAYABLE'],
    ['startPayment', 'PROCESSING', 'OPERATION_IN_PROGRESS'],
    ['startPayment', 'HELD', 'OPERATION_IN_PROGRESS'],
    ['markPaymentHeld', 'RESERVED', 'ILLEGAL_TRANSITION'],
    ['markPaymentHeld', 'HELD', 'ILLEGAL_TRANSITION'],
    ['markPaymentFailed', 'HELD', 'ILLEGAL_TRANSITION'],
    ['markPaymentFailed', 'FAILED', 'ILLEGAL_TRANSITION'],
    ['markPaid', 'RESERVED', 'ILLEGAL_TRANSITION'],
    ['markPaid', 'FAILED', 'ILLEGAL_TRANSITION'],
    ['markPaid', 'PAID', 'ILLEGAL_TRANSITION'],
    ['markConfirmed', 'RESERVED', 'ILLEGAL_TRANSITION'],
    ['markConfirmed', 'CONFIRMED', 'ILLEGAL_TRANSITION'],
    ['cancel', 'PAID', 'ORDER_NOT_CANCELABLE'],
    ['cancel', 'CONFIRMED', 'ORDER_NOT_CANCELABLE'],
    ['cancel', 'CANCELED', 'ORDER_NOT_CANCELABLE'],
    ['cancel', 'REFUNDED', 'ORDER_NOT_CANCELABLE'],
    ['cancel', 'PROCESSING', 'OPERATION_IN_PROGRESS'],
    ['refund', 'PENDING', 'ORDER_NOT_REFUNDABLE'],
    ['refund', 'HELD', 'ORDER_NOT_REFUNDABLE'],
    ['refund', 'CANCELED', 'ORDER_NOT_REFUNDABLE'],
    ['refund', 'REFUNDED', 'ORDER_NOT_REFUNDABLE'],
  ])('%s from %s: %s, nothing changed', (command, fixture, code) => {
    const order = orderIn(fixture);
    const before = order.toSnapshot();

    expect(codeOf(() => commands[command]!(order))).toBe(code);
    expect(order.toSnapshot()).toEqual(before);
    expect(order.peekEvents()).toEqual([]);
  });

  it('a PAID order points the caller to refund', () => {
    expect(() => orderIn('PAID').cancel('x', at(20))).toThrow(
      'Order o1 is PAID and can no longer be canceled; refund it instead',
    );
  });

  it('an illegal transition names both ends', () => {
    expect(() => orderIn('RESERVED').markConfirmed(at(20))).toThrow(
      expect.objectContaining({
        message: 'Order o1 cannot go from RESERVED to CONFIRMED',
        details: { orderId: 'o1', subject: 'order', from: 'RESERVED', to: 'CONFIRMED' },
      }),
    );
  });
});

describe('Order persistence', () => {
  it('restore(toSnapshot()) reproduces the order without events', () => {
    const original = orderIn('HELD');
    const restored = Order.restore(original.toSnapshot());

    expect(restored.toSnapshot()).toEqual(original.toSnapshot());
    expect(restored.peekEvents()).toEqual([]);
    expect(restored.persistedVersion).toBe(original.version);
  });

  it('persistedVersion stays at the loaded version until markPersisted', () => {
    const order = Order.restore(orderIn('RESERVED').toSnapshot());
    order.startPayment({ ...payment, now: at(2) });

    expect(order.persistedVersion).toBe(2);
    expect(order.version).toBe(3);
    order.markPersisted();
    expect(order.persistedVersion).toBe(3);
  });

  it('a snapshot is a copy: mutating it does not touch the order', () => {
    const order = orderIn('PENDING');
    const snapshot = order.toSnapshot();
    snapshot.createTime.setTime(0);
    order.createTime.setTime(0);

    expect(order.createTime).toEqual(T0);
  });
});
