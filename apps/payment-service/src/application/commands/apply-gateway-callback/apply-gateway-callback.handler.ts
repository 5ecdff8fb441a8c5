import { Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PaymentNotFoundError } from '../../application.errors.js';
import { Clock } from '../../ports/clock.port.js';
import { GatewayCallbackInbox } from '../../ports/gateway-callback.inbox.port.js';
import { GatewayMetrics, NoGatewayMetrics } from '../../ports/gateway-metrics.port.js';
import { PaymentResultPublisher } from '../../ports/payment-result.publisher.port.js';
import { PaymentRepository } from '../../ports/payment.repository.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import { toPaymentView } from '../../views/payment.view.js';
import { ApplyGatewayCallbackCommand, type GatewayCallbackResult } from './apply-gateway-callback.command.js';

/**
 * Moves the payment as the gateway's outcome says and replies `payment.<operation>.result`, in
 * one transaction with the record that this callback id was applied: a replayed callback finds
 * the record and changes nothing; a failed attempt leaves no record, so the redelivery applies.
 */
@CommandHandler(ApplyGatewayCallbackCommand)
export class ApplyGatewayCallbackHandler implements ICommandHandler<ApplyGatewayCallbackCommand> {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly inbox: GatewayCallbackInbox,
    private readonly results: PaymentResultPublisher,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    @Optional() private readonly metrics: GatewayMetrics = new NoGatewayMetrics(),
  ) {}

  async execute(command: ApplyGatewayCallbackCommand): Promise<GatewayCallbackResult> {
    let report: (() => void) | undefined;
    const result = await this.uow.run(async () => {
      // Unknown until the Hold that the gateway accepted has committed: the error makes the
      // gateway deliver again later.
      const payment = await this.payments.findById(command.paymentId);
      if (payment === null) throw new PaymentNotFoundError({ paymentId: command.paymentId });
      if (!(await this.inbox.claim(command.callbackId, command.paymentId))) {
        return { replayed: true, applied: false, payment: toPaymentView(payment) };
      }
      // The payment last changed when this operation was requested from the gateway.
      const requestedAt = payment.toSnapshot().updateTime;
      const now = this.clock.now();
      const applied = payment.recordOutcome(command.outcome, now);
      if (applied) {
        const { operation, succeeded } = command.outcome;
        report = () => this.metrics.answered(operation, succeeded, (now.getTime() - requestedAt.getTime()) / 1000);
        await this.payments.update(payment);
        const view = toPaymentView(payment);
        for (const event of payment.pullEvents()) {
          if (event.type === 'payment.operation_settled') await this.results.publish(event.operation, view);
        }
      }
      return { replayed: false, applied, payment: toPaymentView(payment) };
    });
    // Only once committed: a rolled-back callback is delivered again and counted then.
    report?.();
    return result;
  }
}
