import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PaymentOperationRequests } from '../../payment-change.js';
import { nothingHeldView, type PaymentView } from '../../views/payment.view.js';
import { VoidPaymentCommand } from './void-payment.command.js';

/**
 * Release a payment's hold without capturing it. Idempotent: a repeat while in flight waits for the
 * same outcome; once settled it is replied again.
 *
 * A void commutes with the hold it undoes: when this service never recorded the payment (the Hold
 * died with a killed replica before its commit, and the saga gave it up), nothing is held under
 * that id, so the answer is VOIDED at once instead of a NOT_FOUND the saga would wait on forever.
 * A Hold of that id arriving later still creates and holds it; its HELD reply reaches a saga that
 * no longer wants it, which voids it again (order-saga.transition.ts).
 */
@CommandHandler(VoidPaymentCommand)
export class VoidPaymentHandler implements ICommandHandler<VoidPaymentCommand> {
  constructor(private readonly operations: PaymentOperationRequests) {}

  execute(command: VoidPaymentCommand): Promise<PaymentView> {
    return this.operations.request(
      command,
      'void',
      (p, now) => p.requestVoid(command.reason, now),
      (now) => nothingHeldView(command, now),
    );
  }
}
