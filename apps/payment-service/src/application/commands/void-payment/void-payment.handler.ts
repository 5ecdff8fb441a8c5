import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PaymentOperationRequests } from '../../payment-change.js';
import type { PaymentView } from '../../views/payment.view.js';
import { VoidPaymentCommand } from './void-payment.command.js';

/** Release a payment's hold without capturing it. Idempotent: a repeat while in flight waits for the same outcome; once settled it is replied again. */
@CommandHandler(VoidPaymentCommand)
export class VoidPaymentHandler implements ICommandHandler<VoidPaymentCommand> {
  constructor(private readonly operations: PaymentOperationRequests) {}

  execute(command: VoidPaymentCommand): Promise<PaymentView> {
    return this.operations.request(command, 'void', (p, now) => p.requestVoid(command.reason, now));
  }
}
