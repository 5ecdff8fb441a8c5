import { NotificationWorld, rejection } from '../../../../test/fakes/index.js';
import { ContactNotFoundError, NotificationProviderUnavailableError } from '../../application.errors.js';
import { SendNotificationCommand } from './send-notification.command.js';

describe('SendNotificationHandler', () => {
  let w: NotificationWorld;
  beforeEach(async () => {
    w = new NotificationWorld();
    await w.contacts.upsert({ customerId: '123456', email: 'cust@example.com', phone: '', preferredChannel: 'email', updateTime: w.clock.now() });
  });

  it('sends to the stored e-mail address at once and records it SENT', async () => {
    const view = await w.direct.execute(new SendNotificationCommand('123456', 'email', 'Order Status Update', 'Your order ORD123456 has been successfully paid.'));
    expect(w.sender.sent).toEqual([
      { notificationId: 'n-1', channel: 'email', to: 'cust@example.com', subject: 'Order Status Update', body: 'Your order ORD123456 has been successfully paid.' },
    ]);
    expect(view).toMatchObject({ kind: 'DIRECT', status: 'SENT', attempts: 1, providerMessageId: 'provider-1', orderId: '' });
    expect(w.notifications.rows.get('n-1')).toMatchObject({ status: 'SENT', leaseUntil: null });
  });

  it('needs an address on the channel asked for', async () => {
    const error = await rejection(w.direct.execute(new SendNotificationCommand('123456', 'sms', '', 'hi')), ContactNotFoundError);
    expect(error.message).toBe('customer 123456 has no phone number on file');
    await rejection(w.direct.execute(new SendNotificationCommand('nobody', 'email', 's', 'hi')), ContactNotFoundError);
    expect(w.notifications.rows.size).toBe(0);
  });

  it('records a provider failure as FAILED and reports it, without retrying behind the caller', async () => {
    w.sender.failNext(1);
    await rejection(w.direct.execute(new SendNotificationCommand('123456', 'email', 's', 'hi')), NotificationProviderUnavailableError);
    expect(w.notifications.rows.get('n-1')).toMatchObject({ status: 'FAILED', attempts: 1, lastError: expect.stringContaining('SMTP 451') });
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ claimed: 0 });
  });
});
