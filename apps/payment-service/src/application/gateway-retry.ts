import { GatewayUnavailableError } from './ports/card-gateway.port.js';

/** How often and how patiently a gateway request is retried when the gateway is unavailable. */
export class GatewayRetryPolicy {
  constructor(
    /** Attempts in all, the first included. */
    readonly attempts = 4,
    /** Wait before the second attempt; doubled before each further one. */
    readonly baseDelayMs = 100,
    readonly maxDelayMs = 2_000,
  ) {}

  /** The wait before attempt `attempt` (2, 3, ...). */
  delayBefore(attempt: number): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 2));
  }
}

/**
 * Runs a gateway request, retrying it with exponential backoff while the gateway answers
 * {@link GatewayUnavailableError}. Safe because gateway requests are idempotent per (payment,
 * operation). Any other error, or the last unavailability, is thrown as is.
 */
export async function withGatewayRetry<T>(policy: GatewayRetryPolicy, request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError) || attempt >= policy.attempts) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, policy.delayBefore(attempt + 1)));
  }
}
