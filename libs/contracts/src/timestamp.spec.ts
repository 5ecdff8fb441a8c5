import { dateFromTimestamp, timestampFromDate } from './index.js';

describe('Timestamp helpers', () => {
  it('converts a Date to a Timestamp and back', () => {
    const date = new Date('2026-01-01T00:00:00.123Z');
    expect(timestampFromDate(date)).toEqual({ seconds: '1767225600', nanos: 123_000_000 });
    expect(dateFromTimestamp(timestampFromDate(date))).toEqual(date);
  });

  it('keeps nanos non-negative before 1970', () => {
    expect(timestampFromDate(new Date(-1))).toEqual({ seconds: '-1', nanos: 999_000_000 });
    expect(dateFromTimestamp({ seconds: '-1', nanos: 999_000_000 }).getTime()).toBe(-1);
  });

  it('refuses an invalid Date', () => {
    expect(() => timestampFromDate(new Date('nope'))).toThrow(RangeError);
  });
});
