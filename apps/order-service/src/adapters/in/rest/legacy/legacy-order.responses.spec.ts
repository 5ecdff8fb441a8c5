import type { OrderView, PaymentView } from '../../../../application/views/order.view.js';
import { legacyOrderCreated, legacyPaymentFailure, legacyPaymentOutcome } from './legacy-order.responses.js';

const PAYMENT: PaymentView = {
  id: 'pay-1',
  status: 'PROCESSING',
  method: 'credit_card',
  cardBrand: 'visa',
  cardLast4: '1111',
  transactionId: '',
  failureReason: '',
};

function order(status: OrderView['status'], payment: Partial<PaymentView> | null, statusReason = ''): OrderView {
  return {
    id: 'o1',
    customerId: '123456',
    status,
    statusReason,
    amount: { currency: 'USD', amountMinor: '10050' },
    items: [],
    version: 3,
    createTime: '2026-01-01T00:00:00.000Z',
    updateTime: '2026-01-01T00:00:00.000Z',
    payment: payment && { ...PAYMENT, ...payment },
  };
}

describe('legacy answers', () => {
  it('a new order is pending', () => {
    expect(legacyOrderCreated(order('PENDING', null))).toEqual({ code: 200, message: 'Order created successfully', orderId: 'o1', status: 'pending' });
  });

  it('a captured payment is completed with the gateway transaction id', () => {
    expect(legacyPaymentOutcome(order('PAID', { status: 'CAPTURED', transactionId: 'txn_1' }), 'pay-1')).toEqual({
      code: 200,
      message: 'Payment successful',
      paymentStatus: 'completed',
      transactionId: 'txn_1',
    });
  });

  it.each([
    ['INSUFFICIENT_FUNDS', 400, 'Payment failed due to insufficient funds'],
    ['PAYMENT_DECLINED', 400, 'Payment failed because the card was declined'],
    ['PAYMENT_PROVIDER_UNAVAILABLE', 503, 'Payment failed because the payment provider is unavailable; retry later'],
    ['SOMETHING_NEW', 400, 'Payment failed (SOMETHING_NEW)'],
  ])('a payment failed with %s is %s with a precise message', (reason, code, message) => {
    expect(legacyPaymentFailure(reason)).toEqual({ code, message, paymentStatus: 'failed' });
    expect(legacyPaymentOutcome(order('RESERVED', { status: 'FAILED', failureReason: reason }), 'pay-1')).toEqual({
      code,
      message,
      paymentStatus: 'failed',
    });
  });

  it('a capture failure (hold voided, order canceled) is a failure naming it', () => {
    expect(legacyPaymentOutcome(order('CANCELED', { status: 'VOIDED' }, 'CAPTURE_FAILED'), 'pay-1')).toEqual({
      code: 400,
      message: 'Payment failed because the card could not be charged; the order was canceled',
      paymentStatus: 'failed',
    });
  });

  it.each(['PROCESSING', 'HELD'] as const)('a payment still %s at the wait limit is 202 processing', (status) => {
    expect(legacyPaymentOutcome(order('RESERVED', { status }), 'pay-1')).toEqual({
      code: 202,
      message: 'Payment is still processing; its outcome will show on order o1',
      paymentStatus: 'processing',
    });
  });
});
