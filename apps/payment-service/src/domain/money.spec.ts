import { Money } from './money.js';
import { InvalidMoneyError } from './payment.errors.js';

describe('Money', () => {
  it('holds minor units and a currency, frozen', () => {
    const money = Money.of(3350n, 'USD');

    expect([money.amountMinor, money.currency, money.toString()]).toEqual([3350n, 'USD', '3350 USD']);
    expect(Object.isFrozen(money)).toBe(true);
    expect(money.equals(Money.of(3350n, 'USD'))).toBe(true);
    expect(money.equals(Money.of(3350n, 'EUR'))).toBe(false);
    expect(Money.zero('EUR').amountMinor).toBe(0n);
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
});
