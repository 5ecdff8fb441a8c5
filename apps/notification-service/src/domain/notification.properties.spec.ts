import fc from 'fast-check';
import { DomainError } from '#libs/ddd';
import { Notification, type NotificationSnapshot } from './notification.aggregate.js';
import { canTransition, isTerminal } from './notification-status.js';
import { RetryPolicy } from './retry-policy.js';

/**
 * Random sequences of what can happen to a notification (attempts that succeed or fail,
 * cancellation, time passing), checking after every step:
 * - each change follows NOTIFICATION_TRANSITIONS, and a refused operation changes nothing;
 * - a settled notification never changes again;
 * - attempts never exceed the policy's maximum; FAILED exactly when they ran out;
 * - SENT has the provider's id; a lease exists only while an attempt is in flight.
 */
type Op = { kind: 'attempt'; outcome: 'ok' | 'fail' } | { kind: 'cancel' } | { kind: 'wait'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('attempt' as const), outcome: fc.constantFrom('ok' as const, 'fail' as const, 'fail' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 20_000 }) }) },
);

const T0 = new Date('2030-01-01T00:00:00Z');

describe('notification status machine (property)', () => {
  it('keeps its invariants under any sequence of attempts, failures and cancellations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.array(opArb, { maxLength: 40 }), (maxAttempts, hasRecipient, ops) => {
        const policy = new RetryPolicy(maxAttempts, 100, 5_000);
        let now = T0.getTime();
        const n = Notification.create({
          id: 'n',
          orderId: 'o',
          customerId: 'c',
          kind: 'ORDER_CANCELED',
          recipient: hasRecipient ? { channel: 'email', address: 'a@b.io' } : null,
          content: { subject: 's', body: 'b' },
          now: new Date(now),
        });
        for (const op of ops) {
          const before: NotificationSnapshot = n.snapshot();
          try {
            if (op.kind === 'wait') now += op.ms;
            else if (op.kind === 'cancel') n.cancel('why', new Date(now));
            else {
              if (!n.isDue(new Date(now))) continue;
              n.startAttempt(new Date(now), 60_000);
              expect(n.snapshot().leaseUntil).not.toBeNull();
              now += 5;
              if (op.outcome === 'ok') n.markSent('provider-id', new Date(now));
              else n.recordFailure('boom', new Date(now), policy);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            expect(isTerminal(before.status)).toBe(true);
            expect(n.snapshot()).toEqual(before);
            continue;
          }
          const after = n.snapshot();
          if (after.status !== before.status || after.attempts !== before.attempts) expect(canTransition(before.status, after.status)).toBe(true);
          if (isTerminal(before.status)) expect(after).toEqual(before);
          expect(after.attempts).toBeLessThanOrEqual(maxAttempts);
          if (after.status === 'FAILED') expect(after.attempts).toBe(maxAttempts);
          if (after.status === 'SENT') expect(after.providerMessageId).toBe('provider-id');
          expect(after.leaseUntil).toBeNull();
          if (!hasRecipient) expect(after.status).toBe('SKIPPED');
        }
      }),
    );
  });
});
