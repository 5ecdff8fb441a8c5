import { behaviourOf, brandOf, outcomeFor, TEST_CARDS } from './test-cards.js';

describe('test cards', () => {
  it.each([
    ['4111111111111111', 'hold', true, ''],
    ['4242424242424242', 'capture', true, ''],
    ['4000000000000002', 'hold', false, 'PAYMENT_DECLINED'],
    ['4000000000009995', 'hold', false, 'INSUFFICIENT_FUNDS'],
    ['4000000000000119', 'hold', true, ''],
    ['4000000000000341', 'hold', true, ''],
    ['4000000000000341', 'capture', false, 'CAPTURE_FAILED'],
    ['4000000000000341', 'void', true, ''],
    ['5555555555554444', 'hold', true, ''],
  ] as const)('%s %s: succeeded %p %s', (number, operation, succeeded, failureReason) => {
    expect(outcomeFor(behaviourOf(number), operation)).toEqual({ succeeded, failureReason });
  });

  it('every test card is a valid Visa number', () => {
    expect(Object.keys(TEST_CARDS).map(brandOf)).toEqual(Array(6).fill('visa'));
    expect([brandOf('5555555555554444'), brandOf('378282246310005'), brandOf('6011111111111117'), brandOf('9999')]).toEqual([
      'mastercard',
      'amex',
      'discover',
      'unknown',
    ]);
  });
});
