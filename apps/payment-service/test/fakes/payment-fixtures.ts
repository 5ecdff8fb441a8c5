import { Money } from '../../src/domain/money.js';
import { Payment, type StartPaymentProps } from '../../src/domain/payment.aggregate.js';

/** Shared by the domain specs: a clock origin and the props of a typical new payment. */
export const T0 = new Date('2030-01-01T00:00:00Z');

export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

export const startProps = (overrides: Partial<StartPaymentProps> = {}): StartPaymentProps => ({
  id: 'pay-1',
  orderId: 'order-1',
  customerId: 'alice',
  amount: Money.of(10050n, 'USD'),
  method: 'credit_card',
  provider: 'simulated',
  cardBrand: 'visa',
  cardLast4: '1111',
  gatewayToken: 'tok_abc',
  now: T0,
  ...overrides,
});

/** Every status a test can start from, and how a new payment gets there. */
export type PaymentFixture =
  | 'PROCESSING'
  | 'HELD'
  | 'CAPTURING'
  | 'CAPTURE_FAILED'
  | 'CAPTURED'
  | 'REFUNDING'
  | 'REFUNDED'
  | 'VOIDING'
  | 'VOIDED'
  | 'FAILED';

const PATHS: Record<PaymentFixture, readonly ((p: Payment) => unknown)[]> = {
  PROCESSING: [],
  HELD: [(p) => p.recordOutcome({ operation: 'hold', succeeded: true, transactionId: 'txn-1' }, at(1))],
  CAPTURING: [],
  CAPTURE_FAILED: [],
  CAPTURED: [],
  REFUNDING: [],
  REFUNDED: [],
  VOIDING: [],
  VOIDED: [],
  FAILED: [(p) => p.recordOutcome({ operation: 'hold', succeeded: false, failureReason: 'PAYMENT_DECLINED' }, at(1))],
};
PATHS.CAPTURING = [...PATHS.HELD, (p) => p.requestCapture(at(2))];
PATHS.CAPTURE_FAILED = [...PATHS.CAPTURING, (p) => p.recordOutcome({ operation: 'capture', succeeded: false, failureReason: 'CAPTURE_FAILED' }, at(3))];
PATHS.CAPTURED = [...PATHS.CAPTURING, (p) => p.recordOutcome({ operation: 'capture', succeeded: true }, at(3))];
PATHS.REFUNDING = [...PATHS.CAPTURED, (p) => p.requestRefund('damaged', at(4))];
PATHS.REFUNDED = [...PATHS.REFUNDING, (p) => p.recordOutcome({ operation: 'refund', succeeded: true }, at(5))];
PATHS.VOIDING = [...PATHS.HELD, (p) => p.requestVoid('PAYMENT_TIMEOUT', at(2))];
PATHS.VOIDED = [...PATHS.VOIDING, (p) => p.recordOutcome({ operation: 'void', succeeded: true }, at(3))];

/** A payment driven to `fixture`, its events already pulled. */
export function paymentIn(fixture: PaymentFixture, overrides: Partial<StartPaymentProps> = {}): Payment {
  const payment = Payment.start(startProps(overrides));
  for (const step of PATHS[fixture]) step(payment);
  payment.pullEvents();
  return payment;
}
