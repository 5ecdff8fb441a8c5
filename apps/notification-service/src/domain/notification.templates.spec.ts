import { renderOrderNotification } from './notification.templates.js';

describe('renderOrderNotification', () => {
  it('says "successfully paid" in the seed\'s words, with the order id', () => {
    expect(renderOrderNotification('PAYMENT_CAPTURED', { orderId: 'ORD123456' })).toEqual({
      subject: 'Order Status Update',
      body: 'Your order ORD123456 has been successfully paid.',
    });
  });

  it.each([
    ['INSUFFICIENT_STOCK', 'Your order o-1 has been canceled. Reason: INSUFFICIENT_STOCK (some items are out of stock).'],
    ['PAYMENT_TIMEOUT', 'Your order o-1 has been canceled. Reason: PAYMENT_TIMEOUT (no payment was received in time).'],
    ['CAPTURE_FAILED', 'Your order o-1 has been canceled. Reason: CAPTURE_FAILED (the payment could not be completed).'],
    ['changed my mind', 'Your order o-1 has been canceled. Reason: changed my mind.'],
    ['Found it cheaper!', 'Your order o-1 has been canceled. Reason: Found it cheaper!'],
    ['', 'Your order o-1 has been canceled.'],
  ])('names the cancel reason %j', (reason, body) => {
    expect(renderOrderNotification('ORDER_CANCELED', { orderId: 'o-1', reason })).toEqual({ subject: 'Order Status Update', body });
  });

  it('keeps a customer reason on one line and short', () => {
    const { body } = renderOrderNotification('ORDER_REFUNDED', { orderId: 'o-2', reason: `too\r\nlate\tand ${'x'.repeat(500)}` });
    expect(body).not.toMatch(/[\r\n\t]/);
    expect(body.startsWith('Your order o-2 has been refunded. Reason: too late and x')).toBe(true);
    expect(body.length).toBeLessThan(260);
  });

  it('reminds of the payment deadline', () => {
    expect(renderOrderNotification('PAYMENT_REMINDER', { orderId: 'o-3', deadline: new Date('2030-01-01T12:15:00.000Z') })).toEqual({
      subject: 'Payment Reminder',
      body: 'Your order o-3 is reserved and awaiting payment. Please pay by 2030-01-01T12:15:00Z, or it will be canceled.',
    });
  });
});
