import fc from 'fast-check';
import { paymentReminderSchedule } from './reminder-schedule.js';

const RESERVED = new Date('2030-01-01T12:00:00.000Z');
const at = (seconds: number) => new Date(RESERVED.getTime() + seconds * 1000);

describe('paymentReminderSchedule', () => {
  it('is due the lead before the payment deadline, and expires at the deadline', () => {
    expect(paymentReminderSchedule(RESERVED, 900, 300)).toEqual({ dueAt: at(600), expiresAt: at(900) });
  });

  it('clamps a lead longer than the timeout to the reservation time', () => {
    expect(paymentReminderSchedule(RESERVED, 60, 300)).toEqual({ dueAt: RESERVED, expiresAt: at(60) });
  });

  it('with no lead is due at the deadline itself', () => {
    expect(paymentReminderSchedule(RESERVED, 900, 0)).toEqual({ dueAt: at(900), expiresAt: at(900) });
  });

  it('refuses a timeout that is not positive and a negative lead', () => {
    expect(() => paymentReminderSchedule(RESERVED, 0, 10)).toThrow(RangeError);
    expect(() => paymentReminderSchedule(RESERVED, 10, -1)).toThrow(RangeError);
  });

  it('is never before the reservation nor after the deadline', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 * 86_400 }), fc.integer({ min: 0, max: 30 * 86_400 }), (timeout, lead) => {
        const { dueAt, expiresAt } = paymentReminderSchedule(RESERVED, timeout, lead);
        expect(dueAt.getTime()).toBeGreaterThanOrEqual(RESERVED.getTime());
        expect(dueAt.getTime()).toBeLessThanOrEqual(expiresAt.getTime());
        expect(expiresAt).toEqual(at(timeout));
        if (lead <= timeout) expect(expiresAt.getTime() - dueAt.getTime()).toBe(lead * 1000);
      }),
    );
  });
});
