import { Notification, NO_RECIPIENT } from './notification.aggregate.js';
import { NotificationSettledError } from './notification.errors.js';
import { RetryPolicy } from './retry-policy.js';

const T0 = new Date('2030-01-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const policy = new RetryPolicy(3, 1000, 10_000);

function paid(recipient: { channel: 'email' | 'sms'; address: string } | null = { channel: 'email', address: 'a@b.io' }): Notification {
  return Notification.create({
    id: 'n-1',
    orderId: 'o-1',
    customerId: 'alice',
    kind: 'PAYMENT_CAPTURED',
    recipient,
    content: { subject: 'Order Status Update', body: 'Your order o-1 has been successfully paid.' },
    now: T0,
  });
}

describe('Notification', () => {
  it('starts PENDING and due now, with no attempt made', () => {
    const n = paid();
    expect(n.snapshot()).toMatchObject({ status: 'PENDING', attempts: 0, dueAt: T0, nextAttemptAt: T0, leaseUntil: null, channel: 'email', recipient: 'a@b.io' });
    expect(n.isDue(T0)).toBe(true);
  });

  it('is SKIPPED from the start without a recipient', () => {
    const n = paid(null);
    expect(n.snapshot()).toMatchObject({ status: 'SKIPPED', lastError: NO_RECIPIENT, channel: null, recipient: null });
    expect(n.isDue(T0)).toBe(false);
    expect(() => n.startAttempt(T0, 1000)).toThrow(NotificationSettledError);
  });

  it('counts and leases an attempt, then records it SENT with the provider id', () => {
    const n = paid();
    n.startAttempt(T0, 60_000);
    expect(n.snapshot()).toMatchObject({ attempts: 1, leaseUntil: at(60_000), nextAttemptAt: at(60_000) });
    expect(n.isDue(at(1000))).toBe(false);
    n.markSent('<id@smtp>', at(5));
    expect(n.snapshot()).toMatchObject({ status: 'SENT', providerMessageId: '<id@smtp>', leaseUntil: null, lastError: null, updateTime: at(5) });
    expect(() => n.cancel('late', at(6))).toThrow(NotificationSettledError);
  });

  it('backs off exponentially after failures and ends FAILED when the attempts are used up', () => {
    const n = paid();
    n.startAttempt(T0, 60_000);
    expect(n.recordFailure('SMTP 451', at(10), policy)).toBe('PENDING');
    expect(n.snapshot()).toMatchObject({ nextAttemptAt: at(1010), lastError: 'SMTP 451', leaseUntil: null });
    n.startAttempt(at(1010), 60_000);
    expect(n.recordFailure('SMTP 451', at(1020), policy)).toBe('PENDING');
    expect(n.snapshot().nextAttemptAt).toEqual(at(3020));
    n.startAttempt(at(3020), 60_000);
    expect(n.recordFailure('ECONNREFUSED', at(3030), policy)).toBe('FAILED');
    expect(n.snapshot()).toMatchObject({ status: 'FAILED', attempts: 3, lastError: 'ECONNREFUSED' });
  });

  it('is canceled with a reason, and expires', () => {
    const n = Notification.create({
      id: 'n-2',
      orderId: 'o-1',
      customerId: 'alice',
      kind: 'PAYMENT_REMINDER',
      recipient: { channel: 'sms', address: '+14155550123' },
      content: { subject: 'Payment Reminder', body: '...' },
      now: T0,
      dueAt: at(600_000),
      expiresAt: at(900_000),
    });
    expect(n.isDue(at(599_999))).toBe(false);
    expect(n.isDue(at(600_000))).toBe(true);
    expect(n.isExpired(at(900_000))).toBe(true);
    n.cancel('ORDER_LEFT_RESERVED', at(1));
    expect(n.snapshot()).toMatchObject({ status: 'CANCELED', lastError: 'ORDER_LEFT_RESERVED' });
  });

  it('restores what it snapshots', () => {
    const n = paid();
    n.startAttempt(T0, 1000);
    expect(Notification.restore(n.snapshot()).snapshot()).toEqual(n.snapshot());
  });
});
