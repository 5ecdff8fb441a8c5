import { Logger } from '@nestjs/common';
import { NotificationWorld } from '../../../test/fakes/index.js';

const MIN = 60_000;

describe('NotificationDispatcher', () => {
  let w: NotificationWorld;
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));
  beforeEach(async () => {
    w = new NotificationWorld();
    await w.orderEvent('o-1', 'PENDING', { contactEmail: 'alice@example.com' });
  });

  it('sends what is due and records it SENT with the provider id', async () => {
    await w.orderEvent('o-1', 'CANCELED', { reason: 'INSUFFICIENT_STOCK' });
    expect(await w.dispatcher.dispatchDue()).toEqual({ claimed: 1, sent: 1, retrying: 0, failed: 0, canceled: 0 });
    expect(w.sender.sent.map((m) => [m.to, m.subject])).toEqual([['alice@example.com', 'Order Status Update']]);
    expect(w.notifications.ofOrder('o-1').ORDER_CANCELED).toMatchObject({ status: 'SENT', attempts: 1, providerMessageId: 'provider-1' });
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ claimed: 0 });
  });

  it('retries with exponential backoff and succeeds when the provider is back', async () => {
    await w.orderEvent('o-1', 'CANCELED');
    w.sender.failNext(2);
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ retrying: 1 });
    expect(w.notifications.ofOrder('o-1').ORDER_CANCELED).toMatchObject({ status: 'PENDING', attempts: 1, lastError: expect.stringContaining('451') });
    w.clock.advance(999);
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ claimed: 0 });
    w.clock.advance(1);
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ retrying: 1 });
    w.clock.advance(2000);
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ sent: 1 });
    expect(w.notifications.ofOrder('o-1').ORDER_CANCELED).toMatchObject({ status: 'SENT', attempts: 3, lastError: null });
  });

  it('gives up after the configured attempts: FAILED, with the last error', async () => {
    await w.orderEvent('o-1', 'CANCELED');
    w.sender.failNext(99);
    for (let i = 0; i < 3; i++) {
      await w.dispatcher.dispatchDue();
      w.clock.advance(MIN);
    }
    expect(w.notifications.ofOrder('o-1').ORDER_CANCELED).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ claimed: 0 });
    expect(w.sender.sent).toEqual([]);
  });

  it('sends the payment reminder only once due, and drops it when the order moved on or the deadline passed', async () => {
    await w.orderEvent('o-1', 'RESERVED');
    w.clock.advance(10 * MIN - 1);
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ claimed: 0 });
    w.clock.advance(1);
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ sent: 1 });
    expect(w.sender.sent[0]?.subject).toBe('Payment Reminder');

    await w.orderEvent('o-2', 'PENDING', { contactEmail: 'alice@example.com' });
    await w.orderEvent('o-2', 'RESERVED');
    w.clock.advance(16 * MIN); // the service was down past the deadline
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ canceled: 1 });
    expect(w.notifications.ofOrder('o-2').PAYMENT_REMINDER).toMatchObject({ status: 'CANCELED', lastError: 'EXPIRED' });
  });

  it('does not remind about an order that left RESERVED, even if the cancel came too late', async () => {
    await w.orderEvent('o-1', 'RESERVED');
    // The order is PAID, but the reminder was in flight when that was recorded and so stayed PENDING.
    await w.orders.record({ orderId: 'o-1', customerId: 'alice', contactEmail: '', status: 'PAID', seq: 9, occurredAt: w.clock.now() });
    w.clock.advance(10 * MIN);
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ canceled: 1, sent: 0 });
    expect(w.notifications.ofOrder('o-1').PAYMENT_REMINDER).toMatchObject({ status: 'CANCELED', lastError: 'ORDER_NOT_AWAITING_PAYMENT' });
  });

  it('leaves an attempt in flight alone: a cancel skips it, and a stale outcome is not stored', async () => {
    await w.orderEvent('o-1', 'RESERVED');
    w.clock.advance(10 * MIN);
    const [claimed] = await w.notifications.claimDue(w.clock.now(), 10, w.settings.leaseMs);
    expect(await w.notifier.cancelReminder('o-1')).toBe(false);
    w.clock.advance(w.settings.leaseMs); // the lease ran out: another round takes it over
    expect(await w.dispatcher.dispatchDue()).toMatchObject({ sent: 1 });
    claimed!.markSent('late', w.clock.now());
    expect(await w.notifications.completeAttempt(claimed!, 1)).toBe(false);
    expect(w.notifications.ofOrder('o-1').PAYMENT_REMINDER).toMatchObject({ status: 'SENT', attempts: 2, providerMessageId: 'provider-1' });
  });
});
