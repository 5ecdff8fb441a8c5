import { Money } from '../domain/money.js';
import { AmountMismatchError, assertStatedAmount, formatMajor, toMinorUnits } from './stated-amount.js';

describe('stated amounts', () => {
  it.each([
    ['100.50', 'USD', 10050n],
    ['100.5', 'USD', 10050n],
    ['100', 'USD', 10000n],
    ['0', 'USD', 0n],
    ['100.500', 'USD', 10050n],
    ['1500', 'JPY', 1500n],
    ['1.234', 'KWD', 1234n],
  ])('reads %s %s as %s minor units', (decimal, currency, minor) => {
    expect(toMinorUnits(decimal, currency)).toBe(minor);
  });

  it.each([
    ['100.505', 'USD'],
    ['1.5', 'JPY'],
    ['-1', 'USD'],
    ['1e3', 'USD'],
    ['', 'USD'],
    ['.5', 'USD'],
  ])('refuses %s %s', (decimal, currency) => {
    expect(toMinorUnits(decimal, currency)).toBeUndefined();
  });

  it('formats minor units with the currency decimals', () => {
    expect(formatMajor(Money.of(10050n, 'USD'))).toBe('100.50');
    expect(formatMajor(Money.of(5n, 'USD'))).toBe('0.05');
    expect(formatMajor(Money.of(1500n, 'JPY'))).toBe('1500');
    expect(formatMajor(Money.of(1234n, 'KWD'))).toBe('1.234');
  });

  it('accepts the exact amount and refuses any other, naming both', () => {
    const total = Money.of(10050n, 'USD');
    expect(() => assertStatedAmount(total, '100.5')).not.toThrow();
    const error = (() => {
      try {
        assertStatedAmount(total, '100.49');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AmountMismatchError);
    expect(error).toMatchObject({
      code: 'AMOUNT_MISMATCH',
      message: 'the stated amount 100.49 does not equal the order amount 100.50 USD',
      details: { stated: '100.49', amount: '100.50', currency: 'USD' },
    });
    expect(() => assertStatedAmount(total, '100.501')).toThrow(AmountMismatchError);
  });
});
