import { PaymentResultPublisher } from '../../src/application/ports/payment-result.publisher.port.js';
import type { PaymentView } from '../../src/application/views/payment.view.js';
import type { PaymentOperation } from '../../src/domain/payment-status.js';
import type { Transactional } from './in-memory-unit-of-work.js';

/** Replies as the outbox would hold them: written with the transaction, gone if it rolls back. */
export class RecordingResultPublisher extends PaymentResultPublisher implements Transactional {
  replies: { operation: PaymentOperation; payment: PaymentView }[] = [];

  async publish(operation: PaymentOperation, payment: PaymentView): Promise<void> {
    this.replies.push({ operation, payment });
  }

  checkpoint(): () => void {
    const saved = [...this.replies];
    return () => {
      this.replies = saved;
    };
  }
}
