import { paymentIn, paymentWorld, rejection, type PaymentFixture } from '../../../../test/fakes/index.js';
import { OperationInProgressError, PaymentNotCapturableError } from '../../../domain/payment.errors.js';
import { PaymentNotFoundError } from '../../application.errors.js';
import { GatewayUnavailableError } from '../../ports/card-gateway.port.js';
import { CapturePaymentCommand } from './capture-payment.command.js';

function setup(fixture: PaymentFixture) {
  const w = paymentWorld();
  w.payments.seed(paymentIn(fixture, { id: 'pay-1', orderId: 'order-1' }));
  return { ...w, before: w.payments.stored('pay-1'), run: () => w.capture.execute(new CapturePaymentCommand('order-1', 'pay-1')) };
}

describe('CapturePaymentHandler', () => {
  it('asks the gateway to capture a HELD payment once and records it pending; the reply waits for the outcome', async () => {
    const w = setup('HELD');

    const view = await w.run();

    expect(view).toMatchObject({ status: 'HELD' });
    expect(w.payments.stored('pay-1')).toMatchObject({ status: 'HELD', pendingOperation: 'capture', version: 3 });
    expect(w.gateway.requested('capture')).toEqual([{ operation: 'capture', paymentId: 'pay-1', orderId: 'order-1', amountMinor: 10050n, token: 'tok_abc' }]);
    expect(w.results.replies).toEqual([]);
  });

  it('a repeat while the capture is in flight changes nothing and asks the gateway nothing', async () => {
    const w = setup('CAPTURING');

    await w.run();

    expect(w.payments.stored('pay-1')).toEqual(w.before);
    expect(w.gateway.requests).toEqual([]);
    expect(w.results.replies).toEqual([]);
  });

  it.each<[PaymentFixture, string]>([
    ['CAPTURED', 'CAPTURED'],
    ['CAPTURE_FAILED', 'CAPTURE_FAILED'],
  ])('a repeat once %s replies the outcome again, nothing else', async (fixture, status) => {
    const w = setup(fixture);

    const view = await w.run();

    expect(view.status).toBe(status);
    expect(w.results.replies).toEqual([{ operation: 'capture', payment: view }]);
    expect(w.payments.stored('pay-1')).toEqual(w.before);
    expect(w.gateway.requests).toEqual([]);
  });

  it('retries an unavailable gateway and captures once accepted', async () => {
    const w = setup('HELD');
    w.gateway.unavailableFor('capture', 2);

    await w.run();

    expect(w.gateway.requested('capture')).toHaveLength(1);
    expect(w.payments.stored('pay-1')?.pendingOperation).toBe('capture');
  });

  it('rolls the pending capture back when the gateway stays unavailable', async () => {
    const w = setup('HELD');
    w.gateway.unavailableFor('capture', 3);

    await rejection(w.run(), GatewayUnavailableError);

    expect(w.payments.stored('pay-1')).toEqual(w.before);
  });

  it.each<[PaymentFixture, abstract new (...args: never[]) => Error]>([
    ['PROCESSING', OperationInProgressError],
    ['VOIDING', OperationInProgressError],
    ['FAILED', PaymentNotCapturableError],
    ['VOIDED', PaymentNotCapturableError],
  ])('refuses to capture a %s payment and changes nothing', async (fixture, type) => {
    const w = setup(fixture);

    await rejection(w.run(), type);

    expect(w.payments.stored('pay-1')).toEqual(w.before);
    expect(w.gateway.requests).toEqual([]);
    expect(w.results.replies).toEqual([]);
  });

  it('reports an unknown payment, or one of another order, as not found', async () => {
    const w = setup('HELD');

    await rejection(paymentWorld().capture.execute(new CapturePaymentCommand('order-1', 'nope')), PaymentNotFoundError);
    const foreign = await rejection(w.capture.execute(new CapturePaymentCommand('order-2', 'pay-1')), PaymentNotFoundError);
    expect(foreign.details).toEqual({ orderId: 'order-2', paymentId: 'pay-1' });
  });
});
