import fc from 'fast-check';
import { DomainError } from '#libs/ddd';
import { Money } from './money.js';
import { Product, type ProductSnapshot } from './product.aggregate.js';
import { Reservation, type ReservationItem, type ReservationSnapshot } from './reservation.aggregate.js';

/**
 * Random sequences of Reserve/Release/Commit/Restock over a few products and orders, applied the
 * way the handlers apply them, checking after every step:
 * - conservation: stock on hand + units sold = initial stock + units restocked, per sku;
 * - 0 <= reserved <= stock, and reserved = the units of the RESERVED reservations;
 * - idempotency: the same operation at once again changes nothing and answers the same.
 */

const SKUS = ['A', 'B', 'C'] as const;
const ORDERS = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'] as const;
const T0 = new Date('2030-01-01T00:00:00Z');

type Op =
  | { readonly kind: 'reserve'; readonly orderId: string; readonly items: ReservationItem[] }
  | { readonly kind: 'release' | 'commit' | 'restock'; readonly orderId: string };

// Unknown sku 'X' appears now and then: it must reject, never throw.
const itemsArb = fc
  .uniqueArray(fc.constantFrom<string>(...SKUS, 'X'), { minLength: 1, maxLength: 4 })
  .chain((skus) => fc.tuple(...skus.map((sku) => fc.integer({ min: 1, max: 6 }).map((qty) => ({ sku, qty })))));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('reserve' as const), orderId: fc.constantFrom(...ORDERS), items: itemsArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), orderId: fc.constantFrom(...ORDERS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('commit' as const), orderId: fc.constantFrom(...ORDERS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('restock' as const), orderId: fc.constantFrom(...ORDERS) }) },
);

const initialArb = fc.record(Object.fromEntries(SKUS.map((sku) => [sku, fc.integer({ min: 0, max: 15 })]))) as fc.Arbitrary<
  Record<string, number>
>;

/** The inventory as the handlers see it: products and reservations, and what was sold and restocked. */
class World {
  readonly products = new Map<string, Product>();
  readonly reservations = new Map<string, Reservation>();
  readonly sold: Record<string, number> = {};
  readonly restocked: Record<string, number> = {};
  #tick = 0;

  constructor(readonly initial: Record<string, number>) {
    for (const [sku, stock] of Object.entries(initial)) {
      const p = Product.create({ sku, name: sku, unitPrice: Money.of(100n, 'USD'), stock, now: T0 });
      p.pullEvents();
      this.products.set(sku, p);
      this.sold[sku] = 0;
      this.restocked[sku] = 0;
    }
  }

  /** Applies one operation; returns the resulting reservation state, or the code of the refusal. */
  apply(op: Op): ReservationSnapshot | string | null {
    const now = new Date(T0.getTime() + ++this.#tick * 1000);
    const existing = this.reservations.get(op.orderId);
    try {
      if (op.kind === 'reserve') {
        if (existing) existing.confirmRepeat(op.items);
        else this.reservations.set(op.orderId, Reservation.place({ orderId: op.orderId, items: op.items, products: this.products, now }));
      } else if (existing) {
        if (op.kind === 'release') existing.release(this.products, 'why', now);
        else if (op.kind === 'commit') existing.commit(this.products, now);
        else existing.restock(this.products, 'why', now);
      }
    } catch (error) {
      if (error instanceof DomainError) return error.code;
      throw error;
    }
    const reservation = this.reservations.get(op.orderId);
    if (!reservation) return null;
    for (const event of reservation.pullEvents()) {
      for (const item of reservation.items) {
        if (event.newStatus === 'COMMITTED') this.sold[item.sku]! += item.qty;
        if (event.newStatus === 'RESTOCKED') this.restocked[item.sku]! += item.qty;
      }
    }
    return reservation.toSnapshot();
  }

  productState(): ProductSnapshot[] {
    return [...this.products.values()].map((p) => p.toSnapshot());
  }
}

function checkInvariants(world: World): void {
  for (const [sku, p] of world.products) {
    expect(p.stock + world.sold[sku]!).toBe(world.initial[sku]! + world.restocked[sku]!);
    expect(p.reserved).toBeGreaterThanOrEqual(0);
    expect(p.reserved).toBeLessThanOrEqual(p.stock);
    const held = [...world.reservations.values()]
      .filter((r) => r.status === 'RESERVED')
      .flatMap((r) => r.items)
      .filter((i) => i.sku === sku)
      .reduce((sum, i) => sum + i.qty, 0);
    expect(p.reserved).toBe(held);
  }
}

describe('inventory properties', () => {
  it('conserves stock and keeps 0 <= reserved <= stock over any sequence', () => {
    fc.assert(
      fc.property(initialArb, fc.array(opArb, { maxLength: 60 }), (initial, ops) => {
        const world = new World(initial);
        for (const op of ops) {
          world.apply(op);
          checkInvariants(world);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers a repeated operation the same and changes nothing', () => {
    fc.assert(
      fc.property(initialArb, fc.array(opArb, { maxLength: 40 }), (initial, ops) => {
        const world = new World(initial);
        for (const op of ops) {
          const first = world.apply(op);
          const products = world.productState();
          const sold = { ...world.sold };

          const again = world.apply(op);

          expect(again).toEqual(first);
          expect(world.productState()).toEqual(products);
          expect(world.sold).toEqual(sold);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('lets a reservation take the last units exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 12 }), (stock, orders) => {
        const world = new World({ A: stock });
        const outcomes = Array.from({ length: orders }, (_, i) =>
          world.apply({ kind: 'reserve', orderId: `o${i}`, items: [{ sku: 'A', qty: 1 }] }),
        );
        const reserved = outcomes.filter((o) => typeof o === 'object' && o?.status === 'RESERVED').length;
        expect(reserved).toBe(Math.min(stock, orders));
        checkInvariants(world);
      }),
    );
  });
});
