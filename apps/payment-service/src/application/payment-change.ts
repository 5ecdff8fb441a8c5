import { Injectable } from '@nestjs/common';
import type { Payment, RequestDecision } from '../domain/payment.aggregate.js';
import type { PaymentOperation } from '../domain/payment-status.js';
import { PaymentNotFoundError } from './application.errors.js';
import { GatewayRetryPolicy, withGatewayRetry } from './gateway-retry.js';
import { CardGateway } from './ports/card-gateway.port.js';
import { Clock } from './ports/clock.port.js';
import { PaymentResultPublisher } from './ports/payment-result.publisher.port.js';
import { PaymentRepository } from './ports/payment.repository.port.js';
import { UnitOfWork } from './ports/unit-of-work.port.js';
import { toPaymentView, type PaymentView } from './views/payment.view.js';

/** Names one payment attempt; a payment id under another order is not found. */
export interface PaymentTarget {
  readonly orderId: string;
  readonly paymentId: string;
}

/**
 * Loads the attempt `target` names.
 * @throws PaymentNotFoundError when it does not exist or belongs to another order
 */
export async function loadPayment(payments: PaymentRepository, target: PaymentTarget): Promise<Payment> {
  const payment = await payments.findById(target.paymentId);
  if (payment === null || payment.orderId !== target.orderId) throw new PaymentNotFoundError(target);
  return payment;
}

/**
 * The shape capture, void and refund share, in one transaction: load the payment and let it decide.
 * `requested`: store the pending operation, then send it to the gateway (its outcome arrives as a
 * callback and is replied then). `settled`: the outcome is known, so the reply is sent again and
 * nothing else happens. `in_flight`: nothing to do, the pending outcome will answer.
 * `neverRecorded`, when given, answers for a payment id this service has no row of (under any
 * order) instead of PaymentNotFoundError.
 */
@Injectable()
export class PaymentOperationRequests {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: CardGateway,
    private readonly results: PaymentResultPublisher,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly retry: GatewayRetryPolicy,
  ) {}

  request(
    target: PaymentTarget,
    operation: Exclude<PaymentOperation, 'hold'>,
    decide: (payment: Payment, now: Date) => RequestDecision,
    neverRecorded?: (now: Date) => PaymentView,
  ): Promise<PaymentView> {
    return this.uow.run(async () => {
      if (neverRecorded && (await this.payments.findById(target.paymentId)) === null) {
        // Settled at once: replied like a repeat of a settled operation.
        const view = neverRecorded(this.clock.now());
        await this.results.publish(operation, view);
        return view;
      }
      const payment = await loadPayment(this.payments, target);
      const decision = decide(payment, this.clock.now());
      if (decision === 'requested') {
        await this.payments.update(payment);
        payment.pullEvents();
        // Sent after the write: the row stays locked until commit, so an early callback waits for
        // it; if the gateway stays unavailable, the pending state rolls back with the error.
        const request = { paymentId: payment.id, orderId: payment.orderId, gatewayToken: payment.gatewayToken, amount: payment.amount };
        await withGatewayRetry(this.retry, () => this.gateway[operation](request));
      } else if (decision === 'settled') {
        await this.results.publish(operation, toPaymentView(payment));
      }
      return toPaymentView(payment);
    });
  }
}
