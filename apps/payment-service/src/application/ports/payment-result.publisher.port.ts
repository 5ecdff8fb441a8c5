import type { PaymentOperation } from '../../domain/payment-status.js';
import type { PaymentView } from '../views/payment.view.js';

/**
 * Tells the saga how an operation ended: `payment.<operation>.result` on `oms.replies`, carrying
 * the payment as it stands. Written to the outbox in the ambient transaction, so the reply commits
 * with the change it reports, or not at all.
 */
export abstract class PaymentResultPublisher {
  abstract publish(operation: PaymentOperation, payment: PaymentView): Promise<void>;
}
