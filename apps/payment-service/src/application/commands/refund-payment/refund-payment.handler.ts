import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PaymentOperationRequests } from '../../payment-change.js';
import type { PaymentView } from '../../views/payment.view.js';
import { RefundPaymentCommand } from './refund-payment.command.js';

/** Return a payment's captured amount, in full. Idempotent: a repeat while in flight waits for the same outcome; once settled it is replied again. */
@CommandHandler(RefundPaymentCommand)
export class RefundPaymentHandler implements ICommandHandler<RefundPaymentCommand> {
  constructor(private readonly operations: PaymentOperationRequests) {}

  execute(command: RefundPaymentCommand): Promise<PaymentView> {
    return this.operations.request(command, 'refund', (p, now) => p.requestRefund(command.reason, now));
  }
}
