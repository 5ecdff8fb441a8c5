import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PaymentOperationRequests } from '../../payment-change.js';
import type { PaymentView } from '../../views/payment.view.js';
import { CapturePaymentCommand } from './capture-payment.command.js';

/** Capture the held amount of a payment, in full. Idempotent: a repeat while in flight waits for the same outcome; once settled it is replied again. */
@CommandHandler(CapturePaymentCommand)
export class CapturePaymentHandler implements ICommandHandler<CapturePaymentCommand> {
  constructor(private readonly operations: PaymentOperationRequests) {}

  execute(command: CapturePaymentCommand): Promise<PaymentView> {
    return this.operations.request(command, 'capture', (p, now) => p.requestCapture(now));
  }
}
