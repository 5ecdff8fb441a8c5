import { paymentV1 } from '#libs/contracts';
import type { OutboxWriter } from '#libs/messaging';
import { PaymentResultPublisher } from '../../../application/ports/payment-result.publisher.port.js';
import { toPaymentRecord, type PaymentView } from '../../../application/views/payment.view.js';
import type { PaymentOperation } from '../../../domain/payment-status.js';

/** Exchange of every command's result (docs/messaging.md). */
export const REPLIES_EXCHANGE = 'oms.replies';

/**
 * Replies through payment-service's outbox: `payment.<operation>.result` on `oms.replies`, body the
 * proto3 JSON of `oms.v1.PaymentRecord`, keyed by the order so the saga receives an order's
 * replies in the order they were written.
 */
export class OutboxPaymentResultPublisher extends PaymentResultPublisher {
  constructor(private readonly outbox: OutboxWriter) {
    super();
  }

  async publish(operation: PaymentOperation, payment: PaymentView): Promise<void> {
    await this.outbox.append([
      {
        exchange: REPLIES_EXCHANGE,
        routingKey: `payment.${operation}.result`,
        payload: paymentV1.PaymentRecord.toJSON(toPaymentRecord(payment)),
        aggregateId: payment.orderId,
      },
    ]);
  }
}
