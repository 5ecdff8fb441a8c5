import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Money } from '../../../domain/money.js';
import { Payment } from '../../../domain/payment.aggregate.js';
import { InvalidRequestError, PaymentAttemptLiveError, PaymentIdConflictError } from '../../application.errors.js';
import { GatewayRetryPolicy, withGatewayRetry } from '../../gateway-retry.js';
import { CardGateway } from '../../ports/card-gateway.port.js';
import { Clock } from '../../ports/clock.port.js';
import { PaymentRepository } from '../../ports/payment.repository.port.js';
import { toPaymentView, type PaymentView } from '../../views/payment.view.js';
import { checkCard } from './card-check.js';
import { HoldPaymentCommand, PAYMENT_METHODS } from './hold-payment.command.js';

/**
 * Starts a payment attempt: the gateway tokenizes the card and accepts the hold, then the payment
 * is stored PROCESSING with only brand, last 4 and token. The outcome arrives later as a gateway
 * callback. The same payment id again answers the stored attempt without a second hold.
 */
@CommandHandler(HoldPaymentCommand)
export class HoldPaymentHandler implements ICommandHandler<HoldPaymentCommand> {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: CardGateway,
    private readonly clock: Clock,
    private readonly retry: GatewayRetryPolicy,
  ) {}

  async execute(command: HoldPaymentCommand): Promise<PaymentView> {
    const now = this.clock.now();
    const amount = Money.of(command.amount.amountMinor, command.amount.currency);
    const existing = await this.payments.findById(command.paymentId);
    if (existing !== null) return this.repeat(existing, command, amount);

    validate(command, amount);
    const card = checkCard(command.card, now);
    const live = await this.payments.findLiveByOrder(command.orderId);
    if (live !== null) throw new PaymentAttemptLiveError(command.orderId, live.id);

    const accepted = await withGatewayRetry(this.retry, () =>
      this.gateway.hold({ paymentId: command.paymentId, orderId: command.orderId, customerId: command.customerId, amount, card }),
    );
    const payment = Payment.start({
      id: command.paymentId,
      orderId: command.orderId,
      customerId: command.customerId,
      amount,
      method: command.paymentMethod,
      provider: this.gateway.provider,
      cardBrand: accepted.brand,
      cardLast4: accepted.last4,
      gatewayToken: accepted.token,
      now,
    });
    try {
      await this.payments.insert(payment);
    } catch (error) {
      // A concurrent Hold with the same id won the insert: answer its attempt, as a repeat would.
      const winner = error instanceof PaymentIdConflictError ? await this.payments.findById(command.paymentId) : null;
      if (winner === null) throw error;
      return this.repeat(winner, command, amount);
    }
    payment.pullEvents();
    return toPaymentView(payment);
  }

  private repeat(existing: Payment, command: HoldPaymentCommand, amount: Money): PaymentView {
    if (existing.orderId !== command.orderId || !existing.amount.equals(amount)) throw new PaymentIdConflictError(command.paymentId);
    return toPaymentView(existing);
  }
}

function validate(command: HoldPaymentCommand, amount: Money): void {
  const violations: { field: string; description: string }[] = [];
  if (!(PAYMENT_METHODS as readonly string[]).includes(command.paymentMethod)) {
    violations.push({ field: 'paymentMethod', description: `must be one of ${PAYMENT_METHODS.join(', ')}` });
  }
  if (amount.amountMinor <= 0n) violations.push({ field: 'amount.amountMinor', description: 'must be greater than 0' });
  if (violations.length > 0) throw new InvalidRequestError(violations);
}
