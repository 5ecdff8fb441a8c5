import fc from 'fast-check';
import { Money } from './money.js';
import { CurrencyMismatchError, InvalidMoneyError } from './order.errors.js';

const MAX = 2n ** 63n - 1n;

describe('Money', () => {
  it('holds minor units and a currency', () => {
    const money = Money.of(3350n, 'USD');

    expect(money.amountMinor).toBe(3350n);
    expect(money.currency).toBe('USD');
    expect(money.toString()).toBe('3350 USD');
    expect(Object.isFrozen(money)).toBe(true);
  });

  it('zero is nothing in the currency', () => {
    expect(Money.zero('EUR').equals(Money.of(0n, 'EUR'))).toBe(true);
  });

  it.each([
    [-1n, 'USD'],
    [MAX + 1n, 'USD'],
    [1n, 'usd'],
    [1n, 'US'],
    [1n, 'USDX'],
    [1n, ''],
  ])('refuses %p %p', (amount, currency) => {
    expect(() => Money.of(amount, currency)).toThrow(InvalidMoneyError);
  });

  it('refuses a non-bigint amount that slipped past the types', () => {
    expect(() => Money.of(1.5 as unknown as bigint, 'USD')).toThrow(expect.objectContaining({ code: 'INVALID_MONEY' }));
  });

  it('accepts the int64 maximum', () => {
    expect(Money.of(MAX, 'USD').amountMinor).toBe(MAX);
  });

  it('adds amounts of one currency', () => {
    expect(Money.of(3350n, 'USD').add(Money.of(6700n, 'USD')).equals(Money.of(10050n, 'USD'))).toBe(true);
  });

  it('refuses to add another currency', () => {
    const add = (): Money => Money.of(1n, 'USD').add(Money.of(1n, 'EUR'));

    expect(add).toThrow(CurrencyMismatchError);
    expect(add).toThrow(
      expect.objectContaining({ code: 'CURRENCY_MISMATCH', details: { expected: 'USD', actual: 'EUR' } }),
    );
  });

  it('refuses a sum past int64', () => {
    expect(() => Money.of(MAX, 'USD').add(Money.of(1n, 'USD'))).toThrow(InvalidMoneyError);
  });

  it('multiplies by a quantity', () => {
    expect(Money.of(3350n, 'USD').times(3).equals(Money.of(10050n, 'USD'))).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('refuses to multiply by %p', (qty) => {
    expect(() => Money.of(1n, 'USD').times(qty)).toThrow(InvalidMoneyError);
  });

  it('equals compares amount and currency', () => {
    expect(Money.of(1n, 'USD').equals(Money.of(1n, 'USD'))).toBe(true);
    expect(Money.of(1n, 'USD').equals(Money.of(2n, 'USD'))).toBe(false);
    expect(Money.of(1n, 'USD').equals(Money.of(1n, 'EUR'))).toBe(false);
  });

  it('times(n) equals n additions', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 1, max: 50 }), (amount, qty) => {
        const unit = Money.of(amount, 'USD');
        let sum = Money.zero('USD');
        for (let i = 0; i < qty; i += 1) sum = sum.add(unit);
        expect(unit.times(qty).equals(sum)).toBe(true);
      }),
    );
  });
});
