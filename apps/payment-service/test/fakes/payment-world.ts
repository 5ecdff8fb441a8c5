import { ApplyGatewayCallbackHandler } from '../../src/application/commands/apply-gateway-callback/apply-gateway-callback.handler.js';
import { CapturePaymentHandler } from '../../src/application/commands/capture-payment/capture-payment.handler.js';
import { HoldPaymentHandler } from '../../src/application/commands/hold-payment/hold-payment.handler.js';
import { RefundPaymentHandler } from '../../src/application/commands/refund-payment/refund-payment.handler.js';
import { VoidPaymentHandler } from '../../src/application/commands/void-payment/void-payment.handler.js';
import { GatewayRetryPolicy } from '../../src/application/gateway-retry.js';
import { PaymentOperationRequests } from '../../src/application/payment-change.js';
import { GetPaymentHandler } from '../../src/application/queries/get-payment/get-payment.handler.js';
import { FakeCardGateway } from './fake-card.gateway.js';
import { FixedClock } from './fixed-clock.js';
import { InMemoryCallbackInbox } from './in-memory-callback.inbox.js';
import { InMemoryPaymentRepository } from './in-memory-payment.repository.js';
import { InMemoryUnitOfWork } from './in-memory-unit-of-work.js';
import { RecordingResultPublisher } from './recording-result.publisher.js';

/** Every handler of payment-service wired to in-memory fakes, as the module wires them to adapters. */
export function paymentWorld() {
  const payments = new InMemoryPaymentRepository();
  const gateway = new FakeCardGateway();
  const results = new RecordingResultPublisher();
  const inbox = new InMemoryCallbackInbox();
  const uow = new InMemoryUnitOfWork(payments, results, inbox);
  const clock = new FixedClock();
  // Three attempts without waiting: the specs count attempts, not milliseconds.
  const retry = new GatewayRetryPolicy(3, 0, 0);
  const operations = new PaymentOperationRequests(payments, gateway, results, uow, clock, retry);
  return {
    payments,
    gateway,
    results,
    inbox,
    uow,
    clock,
    hold: new HoldPaymentHandler(payments, gateway, clock, retry),
    capture: new CapturePaymentHandler(operations),
    void: new VoidPaymentHandler(operations),
    refund: new RefundPaymentHandler(operations),
    callback: new ApplyGatewayCallbackHandler(payments, inbox, results, uow, clock),
    get: new GetPaymentHandler(payments),
  };
}

export type PaymentWorld = ReturnType<typeof paymentWorld>;
