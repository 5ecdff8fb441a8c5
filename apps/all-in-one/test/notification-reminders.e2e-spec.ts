import { NotificationsHarness, sleep } from './support/notifications.harness.js';

/**
 * The delayed notifications, with a short payment timeout (12 s) and reminder lead (6 s): an unpaid
 * order gets its payment reminder before the deadline and then the PAYMENT_TIMEOUT cancellation
 * (the order-timeout alert), also when the process was stopped and started again in between, as
 * both are rows in PostgreSQL, not timers.
 */
let h: NotificationsHarness;

beforeAll(async () => {
  h = await NotificationsHarness.start({ OMS_ORDER_PAYMENT_TIMEOUT_SECONDS: '12', OMS_PAYMENT_REMINDER_BEFORE_SECONDS: '6' });
}, 90_000);

afterAll(async () => {
  await h?.stop();
});

it('reminds before the payment timeout and announces the PAYMENT_TIMEOUT cancellation, across a restart', async () => {
  const token = await h.token('rita');
  const id = await h.reservedOrder(token);
  const reminder = await h.until('the reminder row', () => h.notification(id, 'PAYMENT_REMINDER'));
  expect(reminder).toMatchObject({ status: 'PENDING', channel: 'email', recipient: 'rita@example.com', attempts: 0 });
  const { rows } = await h.sql.query(`SELECT update_time FROM order_service.orders WHERE id = $1`, [id]);
  const reservedAt = new Date(rows[0].update_time).getTime();
  expect(Math.abs(new Date(reminder.due_at).getTime() - (reservedAt + 6_000))).toBeLessThan(1_000);

  // Down before the reminder is due, up again (same database) before the payment deadline.
  await h.restart(async () => {
    expect(h.smtp.to('rita@example.com')).toEqual([]);
    await sleep(1_000);
  });

  const reminded = await h.until('the reminder e-mail', () => h.smtp.to('rita@example.com')[0], 20_000);
  expect(reminded).toMatchObject({ subject: 'Payment Reminder' });
  expect(reminded.text).toMatch(new RegExp(`^Your order ${id} is reserved and awaiting payment\\. Please pay by \\S+Z, or it will be canceled\\.$`));
  expect(Date.now()).toBeLessThan(reservedAt + 12_000);

  const canceled = await h.until('the cancellation e-mail', () => h.smtp.to('rita@example.com')[1], 25_000);
  expect(canceled).toMatchObject({
    subject: 'Order Status Update',
    text: `Your order ${id} has been canceled. Reason: PAYMENT_TIMEOUT (no payment was received in time).`,
  });
  expect(await h.orderStatus(id)).toBe('CANCELED');
  await sleep(500);
  expect(h.smtp.to('rita@example.com')).toHaveLength(2);
  expect((await h.notifications({ orderId: id })).map((n) => [n.kind, n.status, n.attempts])).toEqual([
    ['PAYMENT_REMINDER', 'SENT', 1],
    ['ORDER_CANCELED', 'SENT', 1],
  ]);
}, 60_000);

it('a reminder whose order is paid before it is due is canceled, never sent', async () => {
  const token = await h.token('paula');
  const id = await h.reservedOrder(token);
  await h.pay(id, token);
  const row = await h.until('the canceled reminder', async () => {
    const n = await h.notification(id, 'PAYMENT_REMINDER');
    return n?.status === 'CANCELED' ? n : undefined;
  });
  expect(row).toMatchObject({ attempts: 0, last_error: 'ORDER_LEFT_RESERVED' });
  await h.until('the paid e-mail', () => h.smtp.to('paula@example.com')[0]);
  await sleep(7_000); // past the reminder's due time
  expect(h.smtp.to('paula@example.com').map((m) => m.subject)).toEqual(['Order Status Update']);
}, 40_000);
