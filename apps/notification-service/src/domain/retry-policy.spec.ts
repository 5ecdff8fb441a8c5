import { RetryPolicy } from './retry-policy.js';

describe('RetryPolicy', () => {
  it('doubles the wait after each failed attempt, up to the maximum', () => {
    const policy = new RetryPolicy(10, 1000, 5000);
    expect([1, 2, 3, 4, 5, 60, 5000].map((n) => policy.delayAfter(n))).toEqual([1000, 2000, 4000, 5000, 5000, 5000, 5000]);
  });

  it('allows another attempt until maxAttempts have failed', () => {
    const policy = new RetryPolicy(3, 10, 10);
    expect([1, 2, 3, 4].map((n) => policy.mayRetryAfter(n))).toEqual([true, true, false, false]);
  });

  it('refuses nonsense', () => {
    expect(() => new RetryPolicy(0, 1, 1)).toThrow(RangeError);
    expect(() => new RetryPolicy(1, 10, 5)).toThrow(RangeError);
  });
});
