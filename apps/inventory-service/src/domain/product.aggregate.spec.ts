import { InvalidProductError, StockBelowReservedError, StockInvariantError } from './inventory.errors.js';
import { Money } from './money.js';
import { Product } from './product.aggregate.js';

const T0 = new Date('2030-01-01T00:00:00Z');
const T1 = new Date('2030-01-01T00:01:00Z');
const usd = (minor: bigint) => Money.of(minor, 'USD');

function product(stock = 10): Product {
  const p = Product.create({ sku: 'P001', name: 'Wireless Mouse', unitPrice: usd(3350n), stock, now: T0 });
  p.pullEvents();
  p.markPersisted();
  return p;
}

describe('Product', () => {
  it('is created at version 1 with nothing reserved, announcing the change', () => {
    const p = Product.create({ sku: 'P-1_a', name: 'Mouse', unitPrice: usd(3350n), stock: 5, now: T0 });

    expect(p.toSnapshot()).toEqual({
      sku: 'P-1_a',
      name: 'Mouse',
      unitPrice: { currency: 'USD', amountMinor: 3350n },
      stock: 5,
      reserved: 0,
      version: 1,
      createTime: T0,
      updateTime: T0,
    });
    expect(p.available).toBe(5);
    expect(p.pullEvents()).toEqual([{ type: 'product.changed', sku: 'P-1_a', occurredAt: T0 }]);
  });

  it('refuses a malformed product, listing every violation', () => {
    const create = () => Product.create({ sku: 'bad sku!', name: ' ', unitPrice: usd(1n), stock: -1, now: T0 });

    expect(create).toThrow(InvalidProductError);
    try {
      create();
    } catch (error) {
      expect((error as InvalidProductError).violations.map((v) => v.field)).toEqual(['sku', 'name', 'stock']);
    }
  });

  it('refuses a stock that is not a safe whole number', () => {
    for (const stock of [1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) {
      expect(() => Product.create({ sku: 'P', name: 'n', unitPrice: usd(1n), stock, now: T0 })).toThrow(InvalidProductError);
    }
  });

  it('holds, releases, sells and restocks units, keeping 0 <= reserved <= stock', () => {
    const p = product(10);

    p.hold(4, T1);
    expect([p.stock, p.reserved, p.available]).toEqual([10, 4, 6]);
    p.releaseHold(1, T1);
    expect([p.stock, p.reserved]).toEqual([10, 3]);
    p.sell(3, T1);
    expect([p.stock, p.reserved]).toEqual([7, 0]);
    p.restock(2, T1);
    expect([p.stock, p.reserved]).toEqual([9, 0]);
    expect(p.version).toBe(5);
    expect(p.updateTime).toEqual(T1);
    // Stock movements are not catalog changes.
    expect(p.pullEvents()).toEqual([]);
  });

  it.each([
    ['hold more than available', (p: Product) => p.hold(11, T1)],
    ['hold nothing', (p: Product) => p.hold(0, T1)],
    ['release more than reserved', (p: Product) => p.releaseHold(1, T1)],
    ['sell more than reserved', (p: Product) => p.sell(1, T1)],
    ['restock a fraction', (p: Product) => p.restock(0.5, T1)],
    ['restock past the countable maximum', (p: Product) => p.restock(Number.MAX_SAFE_INTEGER, T1)],
  ])('refuses to %s and changes nothing', (_, act) => {
    const p = product(10);
    const before = p.toSnapshot();

    expect(() => act(p)).toThrow(StockInvariantError);
    expect(p.toSnapshot()).toEqual(before);
  });

  describe('replace', () => {
    it('replaces name, price and stock, announcing the change', () => {
      const p = product(10);

      p.replace({ name: 'Mouse v2', unitPrice: usd(4000n), stock: 20 }, T1);

      expect(p.toSnapshot()).toMatchObject({ name: 'Mouse v2', unitPrice: { amountMinor: 4000n }, stock: 20, version: 2 });
      expect(p.pullEvents()).toEqual([{ type: 'product.changed', sku: 'P001', occurredAt: T1 }]);
    });

    it('changes nothing when the facts are the same', () => {
      const p = product(10);

      p.replace({ name: 'Wireless Mouse', unitPrice: usd(3350n), stock: 10 }, T1);

      expect(p.version).toBe(1);
      expect(p.isDirty).toBe(false);
      expect(p.pullEvents()).toEqual([]);
    });

    it('keeps reserved units and refuses a stock below them', () => {
      const p = product(10);
      p.hold(6, T1);

      p.replace({ name: 'Wireless Mouse', unitPrice: usd(3350n), stock: 6 }, T1);
      expect([p.stock, p.reserved, p.available]).toEqual([6, 6, 0]);

      expect(() => p.replace({ name: 'Wireless Mouse', unitPrice: usd(3350n), stock: 5 }, T1)).toThrow(StockBelowReservedError);
      expect(p.stock).toBe(6);
    });
  });
});
