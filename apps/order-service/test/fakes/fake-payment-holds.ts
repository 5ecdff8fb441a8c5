import { PaymentHolds, type HoldRequest } from '../../src/application/ports/payment-holds.port.js';

/**
 * PaymentHolds that records every request, the card data included: this is the one place card
 * numbers may reach, so specs look for them here and nowhere else. It accepts every request
 * until told to {@link failWith} an error (as an unreachable payment-service would throw).
 */
export class FakePaymentHolds extends PaymentHolds {
  /** Every request received, oldest first, failed ones included. */
  readonly requests: HoldRequest[] = [];
  #failure: unknown = null;

  /** From now on every request is recorded and then refused with `error`. */
  failWith(error: unknown = new Error('14 UNAVAILABLE: payment-service is unreachable')): void {
    this.#failure = error;
  }

  /** From now on requests are accepted again. */
  recover(): void {
    this.#failure = null;
  }

  async hold(request: HoldRequest): Promise<void> {
    this.requests.push(request);
    if (this.#failure !== null) throw this.#failure;
  }
}
