import { InvalidMoneyError } from './inventory.errors.js';
import { Money } from './money.js';

describe('Money', () => {
  it('holds minor units and a currency, frozen', () => {
    const money = Money.of(3350n, 'USD');

    expect(money).toMatchObject({ amountMinor: 3350n, currency: 'USD' });
    expect(money.toString()).toBe('3350 USD');
    expect(Object.isFrozen(money)).toBe(true);
  });

  it.each([
    [-1n, 'USD'],
    [2n ** 63n, 'USD'],
    [1n, 'usd'],
    [1n, 'US'],
    [1.5 as unknown as bigint, 'USD'],
  ])('refuses %p %p', (amount, currency) => {
    expect(() => Money.of(amount, currency)).toThrow(InvalidMoneyError);
  });

  it('compares amount and currency', () => {
    expect(Money.of(1n, 'USD').equals(Money.of(1n, 'USD'))).toBe(true);
    expect(Money.of(1n, 'USD').equals(Money.of(1n, 'EUR'))).toBe(false);
    expect(Money.of(1n, 'USD').equals(Money.of(2n, 'USD'))).toBe(false);
  });
});
