import { GatewayUnavailableError } from '../../ports/card-gateway.port.js';
import { DEFAULT_NOW, paymentIn, paymentWorld, rejection, toJson } from '../../../../test/fakes/index.js';
import { InvalidRequestError, PaymentAttemptLiveError, PaymentIdConflictError } from '../../application.errors.js';
import { HoldPaymentCommand } from './hold-payment.command.js';

const CARD = { number: '4111111111111111', expiry: '12/39', cvv: '739' };
const USD_100_50 = { currency: 'USD', amountMinor: 10050n };

function holdCommand(overrides: Partial<{ orderId: string; paymentId: string; amount: typeof USD_100_50; method: string; card: Partial<typeof CARD> }> = {}) {
  return new HoldPaymentCommand(
    overrides.orderId ?? 'order-1',
    overrides.paymentId ?? 'pay-1',
    overrides.amount ?? USD_100_50,
    overrides.method ?? 'credit_card',
    { ...CARD, ...overrides.card },
    'alice',
  );
}

describe('HoldPaymentHandler', () => {
  it('has the gateway tokenize the card and hold the amount, and stores a PROCESSING payment', async () => {
    const w = paymentWorld();

    const view = await w.hold.execute(holdCommand());

    expect(view).toEqual({
      paymentId: 'pay-1',
      orderId: 'order-1',
      status: 'PROCESSING',
      amount: { currency: 'USD', amountMinor: '10050' },
      method: 'credit_card',
      cardBrand: 'visa',
      cardLast4: '1111',
      provider: 'fake',
      transactionId: '',
      failureReason: '',
      createTime: DEFAULT_NOW.toISOString(),
      updateTime: DEFAULT_NOW.toISOString(),
    });
    expect(w.gateway.requested('hold')).toEqual([{ operation: 'hold', paymentId: 'pay-1', orderId: 'order-1', amountMinor: 10050n, token: 'tok_pay-1' }]);
    expect(w.payments.stored('pay-1')).toMatchObject({ status: 'PROCESSING', pendingOperation: 'hold', gatewayToken: 'tok_pay-1', customerId: 'alice' });
    expect(w.results.replies).toEqual([]);
  });

  it('stores, answers and replies neither the card number nor the CVV', async () => {
    const w = paymentWorld();

    const view = await w.hold.execute(holdCommand({ card: { number: '5555 5555 5555 4444', cvv: '7391' } }));

    const everything = toJson([w.payments.storedAll(), w.gateway.requests, w.results.replies, view, holdCommand().idempotencyFingerprint()]);
    expect(view).toMatchObject({ cardBrand: 'mastercard', cardLast4: '4444' });
    expect(everything).not.toMatch(/5555555555554444|5555 5555 5555 4444|555555|7391|739/);
  });

  it('answers a repeated Hold with the stored attempt and holds nothing twice', async () => {
    const w = paymentWorld();
    const first = await w.hold.execute(holdCommand());
    w.clock.advance(5_000);

    const again = await w.hold.execute(holdCommand());

    expect(again).toEqual(first);
    expect(w.gateway.requested('hold')).toHaveLength(1);
  });

  it('answers a repeat with the attempt as it stands now, e.g. HELD', async () => {
    const w = paymentWorld();
    w.payments.seed(paymentIn('HELD', { id: 'pay-1', orderId: 'order-1' }));

    expect(await w.hold.execute(holdCommand())).toMatchObject({ status: 'HELD', transactionId: 'txn-1' });
    expect(w.gateway.requests).toEqual([]);
  });

  it.each([
    ['another order', { orderId: 'order-2' }],
    ['another amount', { amount: { currency: 'USD', amountMinor: 1n } }],
  ])('refuses a payment id already used for %s', async (_, overrides) => {
    const w = paymentWorld();
    await w.hold.execute(holdCommand());

    await rejection(w.hold.execute(holdCommand(overrides)), PaymentIdConflictError);
    expect(w.gateway.requested('hold')).toHaveLength(1);
  });

  it('refuses a new attempt while another attempt of the order is live', async () => {
    const w = paymentWorld();
    w.payments.seed(paymentIn('HELD', { id: 'pay-0', orderId: 'order-1' }));

    const error = await rejection(w.hold.execute(holdCommand()), PaymentAttemptLiveError);

    expect(error.details).toEqual({ orderId: 'order-1', paymentId: 'pay-0' });
    expect(w.gateway.requests).toEqual([]);
    expect(w.payments.stored('pay-1')).toBeUndefined();
  });

  it.each(['FAILED', 'VOIDED'] as const)('starts a new attempt after a %s one', async (fixture) => {
    const w = paymentWorld();
    w.payments.seed(paymentIn(fixture, { id: 'pay-0', orderId: 'order-1' }));

    expect(await w.hold.execute(holdCommand())).toMatchObject({ paymentId: 'pay-1', status: 'PROCESSING' });
  });

  it('retries an unavailable gateway with backoff and holds once accepted', async () => {
    const w = paymentWorld();
    w.gateway.unavailableFor('hold', 2);

    expect(await w.hold.execute(holdCommand())).toMatchObject({ status: 'PROCESSING' });
    expect(w.gateway.refusals).toBe(2);
    expect(w.gateway.requested('hold')).toHaveLength(1);
  });

  it('gives up with GATEWAY_UNAVAILABLE when the gateway stays down, storing nothing', async () => {
    const w = paymentWorld();
    w.gateway.unavailableFor('hold', 3);

    await rejection(w.hold.execute(holdCommand()), GatewayUnavailableError);
    expect(w.payments.storedAll()).toEqual([]);
  });

  it('answers the winner of a concurrent Hold with the same id', async () => {
    const w = paymentWorld();
    const winner = paymentIn('PROCESSING', { id: 'pay-1', orderId: 'order-1', gatewayToken: 'tok_winner' });
    w.payments.raceInsertWith = winner;

    expect(await w.hold.execute(holdCommand())).toMatchObject({ paymentId: 'pay-1' });
    expect(w.payments.stored('pay-1')?.gatewayToken).toBe('tok_winner');
  });

  describe('request checks (InvalidRequestError), the gateway never asked', () => {
    it.each([
      ['a number failing the Luhn check', { card: { number: '4111111111111112' } }, ['paymentDetails.cardNumber']],
      ['an expired card', { card: { expiry: '12/29' } }, ['paymentDetails.expiryDate']],
      ['an expiry not MM/YY', { card: { expiry: '1/34' } }, ['paymentDetails.expiryDate']],
      ['a 2-digit CVV', { card: { cvv: '12' } }, ['paymentDetails.cvv']],
      ['an unknown payment method', { method: 'bitcoin' }, ['paymentMethod']],
      ['a zero amount', { amount: { currency: 'USD', amountMinor: 0n } }, ['amount.amountMinor']],
    ])('rejects %s', async (_, overrides, fields) => {
      const w = paymentWorld();

      const error = await rejection(w.hold.execute(holdCommand(overrides)), InvalidRequestError);

      expect(error.violations.map((v) => v.field)).toEqual(fields);
      expect(w.gateway.requests).toEqual([]);
      expect(w.payments.storedAll()).toEqual([]);
    });

    it('never echoes the card number or CVV in the error', async () => {
      const w = paymentWorld();

      const error = await rejection(w.hold.execute(holdCommand({ card: { number: '4111111111111112', cvv: '98' } })), InvalidRequestError);

      expect(toJson([error.message, error.violations, error.details])).not.toMatch(/4111111111111112|98/);
    });
  });
});
