/**
 * How often and how patiently a notification is retried: attempt n (1-based) that failed is
 * followed, after `min(maxDelayMs, baseDelayMs * 2^(n-1))`, by attempt n+1, until `maxAttempts`
 * attempts have failed.
 */
export class RetryPolicy {
  constructor(
    readonly maxAttempts: number,
    readonly baseDelayMs: number,
    readonly maxDelayMs: number,
  ) {
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
    if (!(baseDelayMs >= 0) || !(maxDelayMs >= baseDelayMs)) throw new RangeError('retry delays must satisfy 0 <= baseDelayMs <= maxDelayMs');
  }

  /** Whether another attempt may follow the failed attempt number `attempt`. */
  mayRetryAfter(attempt: number): boolean {
    return attempt < this.maxAttempts;
  }

  /** Wait after the failed attempt number `attempt` (1-based). */
  delayAfter(attempt: number): number {
    const exponent = Math.max(0, attempt - 1);
    // 2^exponent overflows to Infinity long after maxDelayMs caps it; min() handles both.
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** exponent);
  }
}
