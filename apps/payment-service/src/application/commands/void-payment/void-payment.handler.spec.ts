import { paymentIn, paymentWorld, rejection, type PaymentFixture } from '../../../../test/fakes/index.js';
import { OperationInProgressError, PaymentNotVoidableError } from '../../../domain/payment.errors.js';
import { PaymentNotFoundError } from '../../application.errors.js';
import { VoidPaymentCommand } from './void-payment.command.js';

function setup(fixture: PaymentFixture) {
  const w = paymentWorld();
  w.payments.seed(paymentIn(fixture, { id: 'pay-1', orderId: 'order-1' }));
  return { ...w, before: w.payments.stored('pay-1'), run: () => w.void.execute(new VoidPaymentCommand('order-1', 'pay-1', 'CAPTURE_FAILED')) };
}

describe('VoidPaymentHandler', () => {
  it.each<PaymentFixture>(['HELD', 'CAPTURE_FAILED'])('asks the gateway to release the hold of a %s payment, keeping the reason', async (fixture) => {
    const w = setup(fixture);

    await w.run();

    expect(w.payments.stored('pay-1')).toMatchObject({ status: fixture, pendingOperation: 'void', statusReason: 'CAPTURE_FAILED' });
    expect(w.gateway.requested('void')).toHaveLength(1);
    expect(w.results.replies).toEqual([]);
  });

  it('a repeat in flight changes nothing', async () => {
    const w = setup('VOIDING');

    await w.run();

    expect(w.payments.stored('pay-1')).toEqual(w.before);
    expect(w.gateway.requests).toEqual([]);
  });

  it.each<PaymentFixture>(['VOIDED', 'FAILED'])('on a %s payment changes nothing and replies the record again', async (fixture) => {
    const w = setup(fixture);

    const view = await w.run();

    expect(view.status).toBe(fixture);
    expect(w.results.replies).toEqual([{ operation: 'void', payment: view }]);
    expect(w.payments.stored('pay-1')).toEqual(w.before);
    expect(w.gateway.requests).toEqual([]);
  });

  it.each<[PaymentFixture, abstract new (...args: never[]) => Error]>([
    ['PROCESSING', OperationInProgressError],
    ['CAPTURING', OperationInProgressError],
    ['CAPTURED', PaymentNotVoidableError],
    ['REFUNDED', PaymentNotVoidableError],
  ])('refuses to void a %s payment and changes nothing', async (fixture, type) => {
    const w = setup(fixture);

    await rejection(w.run(), type);

    expect(w.payments.stored('pay-1')).toEqual(w.before);
    expect(w.gateway.requests).toEqual([]);
  });

  it('answers VOIDED for a payment id never recorded (its Hold died uncommitted): nothing is held, the saga can finish', async () => {
    const w = paymentWorld();

    const view = await w.void.execute(new VoidPaymentCommand('order-1', 'pay-lost', 'PAYMENT_TIMEOUT'));

    expect(view).toMatchObject({ paymentId: 'pay-lost', orderId: 'order-1', status: 'VOIDED' });
    expect(w.results.replies).toEqual([{ operation: 'void', payment: view }]);
    expect(w.gateway.requests).toEqual([]);
    expect(w.payments.stored('pay-lost')).toBeUndefined();
  });

  it("still refuses another order's payment as not found", async () => {
    const w = setup('HELD');

    await rejection(w.void.execute(new VoidPaymentCommand('order-2', 'pay-1', 'x')), PaymentNotFoundError);

    expect(w.payments.stored('pay-1')).toEqual(w.before);
    expect(w.results.replies).toEqual([]);
  });
});
