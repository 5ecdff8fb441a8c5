import { DomainError } from '#libs/ddd';
import type { Money } from '../../domain/money.js';

/** A card as the caller sent it. Handed to the gateway only: never stored, logged, hashed or published. */
export interface CardDetails {
  readonly number: string;
  /** MM/YY */
  readonly expiry: string;
  readonly cvv: string;
}

/** A hold to place on a card. */
export interface GatewayHoldRequest {
  readonly paymentId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly amount: Money;
  readonly card: CardDetails;
}

/** What the gateway kept of the card when it accepted the hold. */
export interface GatewayHoldAccepted {
  /** Stands for the card at this gateway from now on. */
  readonly token: string;
  readonly brand: string;
  readonly last4: string;
}

/** A capture, void or refund of an earlier hold. */
export interface GatewayOperationRequest {
  readonly paymentId: string;
  readonly orderId: string;
  readonly gatewayToken: string;
  readonly amount: Money;
}

/**
 * The card network, asynchronous: each method only gets the request ACCEPTED; the outcome arrives
 * later as a signed callback, applied by ApplyGatewayCallback. Requests are idempotent per
 * (payment id, operation) at the gateway, so resending one after a crash or a lost write is safe.
 */
export abstract class CardGateway {
  /** Stored on each payment as its provider, e.g. `simulated`. */
  abstract readonly provider: string;

  /** Tokenizes the card and asks for the amount to be held. @throws GatewayUnavailableError */
  abstract hold(request: GatewayHoldRequest): Promise<GatewayHoldAccepted>;
  /** Asks for the held amount to be captured in full. @throws GatewayUnavailableError */
  abstract capture(request: GatewayOperationRequest): Promise<void>;
  /** Asks for the hold to be released. @throws GatewayUnavailableError */
  abstract void(request: GatewayOperationRequest): Promise<void>;
  /** Asks for the captured amount to be returned. @throws GatewayUnavailableError */
  abstract refund(request: GatewayOperationRequest): Promise<void>;
}

/** The gateway could not take the request right now; retrying later may succeed. */
export class GatewayUnavailableError extends DomainError {
  readonly code = 'GATEWAY_UNAVAILABLE';
}
