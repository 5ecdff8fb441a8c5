import { NotificationWorld } from '../../../../test/fakes/index.js';

const MIN = 60_000;

describe('NotifyOrderStatusChangeHandler', () => {
  let w: NotificationWorld;
  beforeEach(() => {
    w = new NotificationWorld();
  });

  it("remembers the creating token's e-mail and sends the paid notice there, once", async () => {
    await w.orderEvent('o-1', 'PENDING', { contactEmail: 'alice@example.com' });
    await w.orderEvent('o-1', 'RESERVED');
    await w.orderEvent('o-1', 'PAID');
    await w.orderEvent('o-1', 'CONFIRMED');

    const byKind = w.notifications.ofOrder('o-1');
    expect(Object.keys(byKind).sort()).toEqual(['PAYMENT_CAPTURED', 'PAYMENT_REMINDER']);
    expect(byKind.PAYMENT_CAPTURED).toMatchObject({
      status: 'PENDING',
      channel: 'email',
      recipient: 'alice@example.com',
      subject: 'Order Status Update',
      body: 'Your order o-1 has been successfully paid.',
    });
    expect(byKind.PAYMENT_REMINDER).toMatchObject({ status: 'CANCELED', lastError: 'ORDER_LEFT_RESERVED' });
    expect(w.nudge.nudges).toBe(1);
  });

  it('schedules the payment reminder the lead before the payment deadline', async () => {
    await w.orderEvent('o-1', 'PENDING', { contactEmail: 'alice@example.com' });
    w.clock.advance(1000);
    const reservedAt = w.clock.now();
    await w.orderEvent('o-1', 'RESERVED');
    expect(w.notifications.ofOrder('o-1').PAYMENT_REMINDER).toMatchObject({
      status: 'PENDING',
      dueAt: new Date(reservedAt.getTime() + 10 * MIN),
      expiresAt: new Date(reservedAt.getTime() + 15 * MIN),
      subject: 'Payment Reminder',
    });
  });

  it('records the cancellation with its reason (PAYMENT_TIMEOUT is the order-timeout alert)', async () => {
    await w.orderEvent('o-1', 'PENDING', { contactEmail: 'alice@example.com' });
    await w.orderEvent('o-1', 'RESERVED');
    await w.orderEvent('o-1', 'CANCELED', { reason: 'PAYMENT_TIMEOUT' });
    expect(w.notifications.ofOrder('o-1').ORDER_CANCELED.body).toBe(
      'Your order o-1 has been canceled. Reason: PAYMENT_TIMEOUT (no payment was received in time).',
    );
    expect(w.notifications.ofOrder('o-1').PAYMENT_REMINDER.status).toBe('CANCELED');
  });

  it('records refunds', async () => {
    await w.orderEvent('o-1', 'PENDING', { contactEmail: 'alice@example.com' });
    await w.orderEvent('o-1', 'REFUNDED', { reason: 'damaged', seq: 5 });
    expect(w.notifications.ofOrder('o-1').ORDER_REFUNDED.body).toBe('Your order o-1 has been refunded. Reason: damaged.');
  });

  it('sends to the stored contact on its preferred channel', async () => {
    await w.contacts.upsert({ customerId: 'alice', email: '', phone: '+14155550123', preferredChannel: 'sms', updateTime: w.clock.now() });
    await w.orderEvent('o-1', 'PENDING', { contactEmail: 'alice@example.com' });
    await w.orderEvent('o-1', 'CANCELED', { reason: 'INSUFFICIENT_STOCK' });
    expect(w.notifications.ofOrder('o-1').ORDER_CANCELED).toMatchObject({ channel: 'sms', recipient: '+14155550123' });
  });

  it('records SKIPPED when there is nobody to tell', async () => {
    await w.orderEvent('o-1', 'PENDING', { customerId: 'anon' });
    await w.orderEvent('o-1', 'CANCELED', { customerId: 'anon', reason: 'INSUFFICIENT_STOCK' });
    expect(w.notifications.ofOrder('o-1').ORDER_CANCELED).toMatchObject({ status: 'SKIPPED', lastError: 'NO_RECIPIENT', recipient: null });
    expect(w.nudge.nudges).toBe(0);
  });

  it('changes nothing for an event seen before (same order and seq), whatever its message id', async () => {
    await w.orderEvent('o-1', 'PENDING', { contactEmail: 'alice@example.com', seq: 1 });
    await w.orderEvent('o-1', 'CANCELED', { reason: 'INSUFFICIENT_STOCK', seq: 2 });
    const before = structuredClone([...w.notifications.rows.values()]);
    expect(await w.orderEvent('o-1', 'CANCELED', { reason: 'INSUFFICIENT_STOCK', seq: 2 })).toBe('duplicate');
    expect([...w.notifications.rows.values()]).toEqual(before);
  });

  it('sends each kind once even if two events call for it', async () => {
    await w.orderEvent('o-1', 'PENDING', { contactEmail: 'alice@example.com' });
    await w.paymentEvent('o-1', 'CAPTURED', 3);
    await w.orderEvent('o-1', 'PAID', { seq: 3 });
    expect(Object.values(w.notifications.ofOrder('o-1')).map((n) => n.kind)).toEqual(['PAYMENT_CAPTURED']);
  });

  it('sets no reminder for a RESERVED event that arrives after the order moved on', async () => {
    await w.orderEvent('o-1', 'PENDING', { contactEmail: 'alice@example.com', seq: 1 });
    await w.orderEvent('o-1', 'PAID', { seq: 3 });
    await w.orderEvent('o-1', 'RESERVED', { seq: 2 });
    expect(w.notifications.ofOrder('o-1').PAYMENT_REMINDER).toBeUndefined();
    expect((await w.orders.find('o-1'))?.status).toBe('PAID');
  });
});
