import type { PaymentOperation } from '../../domain/payment-status.js';

/** Where payment-service reports how long the card gateway took to answer. Must not throw. */
export abstract class GatewayMetrics {
  /** The gateway answered `operation` after `seconds` (from the request being recorded to its callback applied). */
  abstract answered(operation: PaymentOperation, succeeded: boolean, seconds: number): void;
}

/** Reports nothing (unit tests, tools). */
export class NoGatewayMetrics extends GatewayMetrics {
  answered(): void {}
}
