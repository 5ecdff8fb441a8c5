import type { Money } from '../../domain/money.js';

export interface HoldRequest {
  readonly orderId: string;
  readonly paymentId: string;
  readonly customerId: string;
  readonly amount: Money;
  readonly method: string;
  /** Handed to payment-service and forgotten: never stored, logged or published here. */
  readonly card: { readonly number: string; readonly expiry: string; readonly cvv: string };
}

/**
 * Asks payment-service to hold the money of a payment. The answer (HELD or FAILED) arrives later
 * as a saga reply; this call only has to be accepted. Card data travel here and nowhere else.
 */
export abstract class PaymentHolds {
  /** @throws when payment-service cannot be reached or refuses the request */
  abstract hold(request: HoldRequest): Promise<void>;
}
