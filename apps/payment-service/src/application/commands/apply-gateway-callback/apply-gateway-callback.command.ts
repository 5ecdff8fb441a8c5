import { Command } from '@nestjs/cqrs';
import type { GatewayOutcome } from '../../../domain/payment.aggregate.js';
import type { PaymentView } from '../../views/payment.view.js';

/** What applying a callback did. */
export interface GatewayCallbackResult {
  /** The callback id was seen before: nothing changed. */
  readonly replayed: boolean;
  /** The outcome changed the payment (false for a replay or an outcome already reflected). */
  readonly applied: boolean;
  readonly payment: PaymentView;
}

/** Apply an authenticated gateway callback: the outcome of an operation the gateway had accepted. */
export class ApplyGatewayCallbackCommand extends Command<GatewayCallbackResult> {
  constructor(
    /** The gateway's id of this callback, the same on every delivery of it. */
    readonly callbackId: string,
    readonly paymentId: string,
    readonly outcome: GatewayOutcome,
  ) {
    super();
  }
}
