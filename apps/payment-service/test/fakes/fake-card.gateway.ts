import {
  CardGateway,
  GatewayUnavailableError,
  type GatewayHoldAccepted,
  type GatewayHoldRequest,
  type GatewayOperationRequest,
} from '../../src/application/ports/card-gateway.port.js';

type Operation = 'hold' | 'capture' | 'void' | 'refund';

/** What the fake kept of a request: like a real gateway's log, never the card number or CVV. */
export interface RecordedRequest {
  readonly operation: Operation;
  readonly paymentId: string;
  readonly orderId: string;
  readonly amountMinor: bigint;
  readonly token: string;
}

/**
 * The CardGateway port as a scriptable fake: accepts every request (recording it) unless told to
 * be unavailable for the next n requests of an operation. Tokens are `tok_<paymentId>`; the brand
 * is derived from the first digit like a real one.
 */
export class FakeCardGateway extends CardGateway {
  readonly provider = 'fake';
  readonly requests: RecordedRequest[] = [];
  readonly #unavailable = new Map<Operation, number>();
  /** Requests refused as unavailable, including those later retried. */
  refusals = 0;

  unavailableFor(operation: Operation, times: number): this {
    this.#unavailable.set(operation, times);
    return this;
  }

  requested(operation: Operation): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  async hold(request: GatewayHoldRequest): Promise<GatewayHoldAccepted> {
    this.#gate('hold');
    const token = `tok_${request.paymentId}`;
    this.requests.push({ operation: 'hold', paymentId: request.paymentId, orderId: request.orderId, amountMinor: request.amount.amountMinor, token });
    const brand = request.card.number.startsWith('4') ? 'visa' : request.card.number.startsWith('5') ? 'mastercard' : 'unknown';
    return { token, brand, last4: request.card.number.slice(-4) };
  }

  async capture(request: GatewayOperationRequest): Promise<void> {
    this.#record('capture', request);
  }

  async void(request: GatewayOperationRequest): Promise<void> {
    this.#record('void', request);
  }

  async refund(request: GatewayOperationRequest): Promise<void> {
    this.#record('refund', request);
  }

  #record(operation: Operation, request: GatewayOperationRequest): void {
    this.#gate(operation);
    this.requests.push({ operation, paymentId: request.paymentId, orderId: request.orderId, amountMinor: request.amount.amountMinor, token: request.gatewayToken });
  }

  #gate(operation: Operation): void {
    const left = this.#unavailable.get(operation) ?? 0;
    if (left > 0) {
      this.#unavailable.set(operation, left - 1);
      this.refusals += 1;
      throw new GatewayUnavailableError(`${operation} refused: gateway unavailable`);
    }
  }
}
