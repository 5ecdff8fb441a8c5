import { NotificationWorld } from '../../../../test/fakes/index.js';

describe('NotifyPaymentStatusChangeHandler', () => {
  it('records "successfully paid" on CAPTURED and drops the pending reminder', async () => {
    const w = new NotificationWorld();
    await w.orderEvent('o-1', 'PENDING', { contactEmail: 'alice@example.com' });
    await w.orderEvent('o-1', 'RESERVED');
    await w.paymentEvent('o-1', 'PROCESSING', 1);
    await w.paymentEvent('o-1', 'HELD', 2);
    expect(Object.keys(w.notifications.ofOrder('o-1'))).toEqual(['PAYMENT_REMINDER']);
    await w.paymentEvent('o-1', 'CAPTURED', 3);
    expect(w.notifications.ofOrder('o-1')).toMatchObject({
      PAYMENT_REMINDER: { status: 'CANCELED' },
      PAYMENT_CAPTURED: { status: 'PENDING', recipient: 'alice@example.com', body: 'Your order o-1 has been successfully paid.' },
    });
    expect(await w.paymentEvent('o-1', 'CAPTURED', 3)).toBe('duplicate');
  });

  it('leaves an order never heard of to its PAID event', async () => {
    const w = new NotificationWorld();
    expect(await w.paymentEvent('o-9', 'CAPTURED', 3)).toBe('handled');
    expect(w.notifications.rows.size).toBe(0);
  });
});
