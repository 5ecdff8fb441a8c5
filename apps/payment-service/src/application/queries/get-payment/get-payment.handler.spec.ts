import { at, paymentIn, paymentWorld, rejection } from '../../../../test/fakes/index.js';
import { PaymentNotFoundError } from '../../application.errors.js';
import { GetPaymentQuery } from './get-payment.query.js';

describe('GetPaymentHandler', () => {
  function setup() {
    const w = paymentWorld();
    w.payments.seed(
      paymentIn('FAILED', { id: 'pay-1', orderId: 'order-1', now: at(0) }),
      paymentIn('HELD', { id: 'pay-2', orderId: 'order-1', now: at(60) }),
    );
    return w;
  }

  it('reads an attempt by id', async () => {
    expect(await setup().get.execute(new GetPaymentQuery('order-1', 'pay-1'))).toMatchObject({ paymentId: 'pay-1', status: 'FAILED' });
  });

  it("with an empty payment id, reads the order's latest attempt", async () => {
    expect(await setup().get.execute(new GetPaymentQuery('order-1', ''))).toMatchObject({ paymentId: 'pay-2', status: 'HELD' });
  });

  it.each([
    ['an unknown order', 'order-9', ''],
    ['an unknown payment', 'order-1', 'pay-9'],
    ['a payment of another order', 'order-2', 'pay-1'],
  ])('answers NOT_FOUND for %s', async (_, orderId, paymentId) => {
    await rejection(setup().get.execute(new GetPaymentQuery(orderId, paymentId)), PaymentNotFoundError);
  });
});
