import { paymentIn, paymentWorld, rejection, type PaymentFixture } from '../../../../test/fakes/index.js';
import { PaymentNotRefundableError } from '../../../domain/payment.errors.js';
import { RefundPaymentCommand } from './refund-payment.command.js';

function setup(fixture: PaymentFixture) {
  const w = paymentWorld();
  w.payments.seed(paymentIn(fixture, { id: 'pay-1', orderId: 'order-1' }));
  return { ...w, before: w.payments.stored('pay-1'), run: () => w.refund.execute(new RefundPaymentCommand('order-1', 'pay-1', 'damaged')) };
}

describe('RefundPaymentHandler', () => {
  it('asks the gateway to refund a CAPTURED payment once', async () => {
    const w = setup('CAPTURED');

    await w.run();
    await w.run();

    expect(w.payments.stored('pay-1')).toMatchObject({ status: 'CAPTURED', pendingOperation: 'refund', statusReason: 'damaged' });
    expect(w.gateway.requested('refund')).toEqual([expect.objectContaining({ paymentId: 'pay-1', amountMinor: 10050n })]);
    expect(w.results.replies).toEqual([]);
  });

  it('a repeat once REFUNDED replies the outcome again and changes nothing', async () => {
    const w = setup('REFUNDED');

    const view = await w.run();

    expect(w.results.replies).toEqual([{ operation: 'refund', payment: view }]);
    expect(w.payments.stored('pay-1')).toEqual(w.before);
  });

  it.each<PaymentFixture>(['HELD', 'CAPTURE_FAILED', 'VOIDED', 'FAILED'])('refuses to refund a %s payment', async (fixture) => {
    const w = setup(fixture);

    await rejection(w.run(), PaymentNotRefundableError);

    expect(w.payments.stored('pay-1')).toEqual(w.before);
    expect(w.gateway.requests).toEqual([]);
  });
});
