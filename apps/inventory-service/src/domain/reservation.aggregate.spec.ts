import { InvalidReservationError, ReservationConflictError, ReservationNotCommittableError } from './inventory.errors.js';
import { Money } from './money.js';
import { Product } from './product.aggregate.js';
import { Reservation, type ReservationItem } from './reservation.aggregate.js';
import type { ReservationStatus } from './reservation-status.js';

const T0 = new Date('2030-01-01T00:00:00Z');
const T1 = new Date('2030-01-01T00:01:00Z');

function catalog(stock: Record<string, number>): Map<string, Product> {
  return new Map(
    Object.entries(stock).map(([sku, units]) => {
      const p = Product.create({ sku, name: sku, unitPrice: Money.of(100n, 'USD'), stock: units, now: T0 });
      p.pullEvents();
      p.markPersisted();
      return [sku, p];
    }),
  );
}

const units = (products: Map<string, Product>) =>
  Object.fromEntries([...products].map(([sku, p]) => [sku, { stock: p.stock, reserved: p.reserved }]));

const items: ReservationItem[] = [
  { sku: 'A', qty: 2 },
  { sku: 'B', qty: 1 },
];

/** A reservation of `items` brought to `status` through its own behaviour, events cleared. */
function inStatus(status: ReservationStatus, products = catalog({ A: 10, B: 10 })): Reservation {
  const r = Reservation.place({ orderId: 'o1', items: status === 'REJECTED' ? [{ sku: 'Z', qty: 1 }] : items, products, now: T0 });
  if (status === 'RELEASED') r.release(products, 'PAYMENT_TIMEOUT', T0);
  if (status === 'COMMITTED' || status === 'RESTOCKED') r.commit(products, T0);
  if (status === 'RESTOCKED') r.restock(products, 'refund', T0);
  r.pullEvents();
  r.markPersisted();
  expect(r.status).toBe(status);
  return r;
}

describe('Reservation.place', () => {
  it('reserves every item when all are available', () => {
    const products = catalog({ A: 2, B: 5 });

    const r = Reservation.place({ orderId: 'o1', items, products, now: T0 });

    expect(r.toSnapshot()).toEqual({
      orderId: 'o1',
      status: 'RESERVED',
      items,
      failureReason: '',
      unavailableSkus: [],
      statusReason: '',
      version: 1,
      createTime: T0,
      updateTime: T0,
    });
    expect(units(products)).toEqual({ A: { stock: 2, reserved: 2 }, B: { stock: 5, reserved: 1 } });
    expect(r.pullEvents()).toEqual([
      { type: 'reservation.status_changed', orderId: 'o1', prevStatus: null, newStatus: 'RESERVED', reason: '', occurredAt: T0 },
    ]);
  });

  it('reserves nothing when one item is short, naming it', () => {
    const products = catalog({ A: 1, B: 5 });

    const r = Reservation.place({ orderId: 'o1', items, products, now: T0 });

    expect(r).toMatchObject({ status: 'REJECTED', failureReason: 'INSUFFICIENT_STOCK', unavailableSkus: ['A'] });
    expect(units(products)).toEqual({ A: { stock: 1, reserved: 0 }, B: { stock: 5, reserved: 0 } });
    expect(r.pullEvents()).toEqual([expect.objectContaining({ newStatus: 'REJECTED', reason: 'INSUFFICIENT_STOCK' })]);
  });

  it('rejects unknown skus like short ones, in request order', () => {
    const products = catalog({ B: 0 });

    const r = Reservation.place({ orderId: 'o1', items: [{ sku: 'X', qty: 1 }, ...items], products, now: T0 });

    expect(r).toMatchObject({ status: 'REJECTED', unavailableSkus: ['X', 'A', 'B'] });
  });

  it('counts units already held by other reservations', () => {
    const products = catalog({ A: 3, B: 1 });
    Reservation.place({ orderId: 'first', items: [{ sku: 'A', qty: 2 }], products, now: T0 });

    expect(Reservation.place({ orderId: 'second', items, products, now: T0 }).unavailableSkus).toEqual(['A']);
    expect(Reservation.place({ orderId: 'third', items: [{ sku: 'A', qty: 1 }], products, now: T0 }).status).toBe('RESERVED');
    expect(units(products).A).toEqual({ stock: 3, reserved: 3 });
  });

  it.each([
    ['no items', 'o1', [], ['items']],
    ['101 items', 'o1', Array.from({ length: 101 }, (_, i) => ({ sku: `S${i}`, qty: 1 })), ['items']],
    ['an empty order id', '', items, ['orderId']],
    ['a duplicate sku', 'o1', [...items, { sku: 'A', qty: 1 }], ['items[2].sku']],
    ['bad quantities', 'o1', [{ sku: 'A', qty: 0 }, { sku: 'B', qty: 10_001 }, { sku: 'C', qty: 1.5 }], ['items[0].qty', 'items[1].qty', 'items[2].qty']],
    ['an empty sku', 'o1', [{ sku: '', qty: 1 }], ['items[0].sku']],
  ])('refuses %s and holds nothing', (_, orderId, bad, fields) => {
    const products = catalog({ A: 10, B: 10 });

    const place = () => Reservation.place({ orderId, items: bad as ReservationItem[], products, now: T0 });

    expect(place).toThrow(InvalidReservationError);
    try {
      place();
    } catch (error) {
      expect((error as InvalidReservationError).violations.map((v) => v.field)).toEqual(fields);
    }
    expect(units(products)).toEqual({ A: { stock: 10, reserved: 0 }, B: { stock: 10, reserved: 0 } });
  });
});

describe('Reservation.confirmRepeat', () => {
  it('accepts the same items in any order', () => {
    expect(() => inStatus('RESERVED').confirmRepeat([...items].reverse())).not.toThrow();
    expect(() => inStatus('RESTOCKED').confirmRepeat(items)).not.toThrow();
  });

  it.each([
    ['another quantity', [{ sku: 'A', qty: 3 }, { sku: 'B', qty: 1 }]],
    ['fewer items', [{ sku: 'A', qty: 2 }]],
    ['more items', [...items, { sku: 'C', qty: 1 }]],
    ['a duplicated sku', [{ sku: 'A', qty: 2 }, { sku: 'A', qty: 2 }]],
  ])('refuses %s as a conflict', (_, other) => {
    expect(() => inStatus('RESERVED').confirmRepeat(other)).toThrow(ReservationConflictError);
  });
});

type Op = 'release' | 'commit' | 'restock';
type Outcome = ReservationStatus | 'NOT_COMMITTABLE';

/** Every operation from every status: the outcome and how the products' units move. */
const transitions: [ReservationStatus, Op, Outcome][] = [
  ['RESERVED', 'release', 'RELEASED'],
  ['RESERVED', 'commit', 'COMMITTED'],
  ['RESERVED', 'restock', 'RELEASED'],
  ['REJECTED', 'release', 'REJECTED'],
  ['REJECTED', 'commit', 'NOT_COMMITTABLE'],
  ['REJECTED', 'restock', 'REJECTED'],
  ['RELEASED', 'release', 'RELEASED'],
  ['RELEASED', 'commit', 'NOT_COMMITTABLE'],
  ['RELEASED', 'restock', 'RELEASED'],
  ['COMMITTED', 'release', 'COMMITTED'],
  ['COMMITTED', 'commit', 'COMMITTED'],
  ['COMMITTED', 'restock', 'RESTOCKED'],
  ['RESTOCKED', 'release', 'RESTOCKED'],
  ['RESTOCKED', 'commit', 'RESTOCKED'],
  ['RESTOCKED', 'restock', 'RESTOCKED'],
];

/** Units of A after each status, starting from stock 10 with 2 units in the order. */
const unitsOfA: Record<ReservationStatus, { stock: number; reserved: number }> = {
  RESERVED: { stock: 10, reserved: 2 },
  REJECTED: { stock: 10, reserved: 0 },
  RELEASED: { stock: 10, reserved: 0 },
  COMMITTED: { stock: 8, reserved: 0 },
  RESTOCKED: { stock: 10, reserved: 0 },
};

function apply(r: Reservation, op: Op, products: Map<string, Product>): void {
  if (op === 'release') r.release(products, 'why', T1);
  else if (op === 'commit') r.commit(products, T1);
  else r.restock(products, 'why', T1);
}

describe.each(transitions)('%s + %s', (from, op, outcome) => {
  it(`-> ${outcome}`, () => {
    const products = catalog({ A: 10, B: 10 });
    const r = inStatus(from, products);
    const before = r.toSnapshot();

    if (outcome === 'NOT_COMMITTABLE') {
      expect(() => apply(r, op, products)).toThrow(ReservationNotCommittableError);
      expect(r.toSnapshot()).toEqual(before);
      expect(units(products).A).toEqual(unitsOfA[from]);
      return;
    }
    apply(r, op, products);

    expect(r.status).toBe(outcome);
    expect(units(products).A).toEqual(unitsOfA[outcome]);
    if (outcome === from) {
      expect(r.toSnapshot()).toEqual(before);
      expect(r.pullEvents()).toEqual([]);
    } else {
      expect(r.toSnapshot()).toMatchObject({ version: before.version + 1, updateTime: T1 });
      expect(r.pullEvents()).toEqual([
        { type: 'reservation.status_changed', orderId: 'o1', prevStatus: from, newStatus: outcome, reason: op === 'commit' ? '' : 'why', occurredAt: T1 },
      ]);
      // The same operation again is a repeat: nothing more moves.
      const after = r.toSnapshot();
      apply(r, op, products);
      expect(r.toSnapshot()).toEqual(after);
      expect(units(products).A).toEqual(unitsOfA[outcome]);
    }
  });
});

it('keeps the release reason for audit', () => {
  const products = catalog({ A: 10, B: 10 });
  const r = inStatus('RESERVED', products);

  r.release(products, 'PAYMENT_TIMEOUT', T1);

  expect(r.statusReason).toBe('PAYMENT_TIMEOUT');
});

it('fails loudly when the caller did not load a product the reservation holds', () => {
  const r = inStatus('RESERVED');

  expect(() => r.commit(new Map(), T1)).toThrow('product A of a reservation was not loaded');
});
