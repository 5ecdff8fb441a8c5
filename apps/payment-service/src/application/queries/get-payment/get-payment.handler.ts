import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PaymentNotFoundError } from '../../application.errors.js';
import { loadPayment } from '../../payment-change.js';
import { PaymentRepository } from '../../ports/payment.repository.port.js';
import { toPaymentView, type PaymentView } from '../../views/payment.view.js';
import { GetPaymentQuery } from './get-payment.query.js';

@QueryHandler(GetPaymentQuery)
export class GetPaymentHandler implements IQueryHandler<GetPaymentQuery> {
  constructor(private readonly payments: PaymentRepository) {}

  async execute(query: GetPaymentQuery): Promise<PaymentView> {
    if (query.paymentId) return toPaymentView(await loadPayment(this.payments, query));
    const latest = await this.payments.findLatestByOrder(query.orderId);
    if (latest === null) throw new PaymentNotFoundError({ orderId: query.orderId });
    return toPaymentView(latest);
  }
}
