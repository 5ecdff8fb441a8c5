import type { Timestamp } from './generated/google/protobuf/timestamp.js';

/** A google.protobuf.Timestamp (int64 seconds as a decimal string) for a JS Date. */
export function timestampFromDate(date: Date): Timestamp {
  const millis = date.getTime();
  if (Number.isNaN(millis)) throw new RangeError('timestampFromDate: invalid Date');
  const seconds = Math.floor(millis / 1000);
  return { seconds: String(seconds), nanos: (millis - seconds * 1000) * 1_000_000 };
}

/** A JS Date for a google.protobuf.Timestamp; precision below a millisecond is dropped. */
export function dateFromTimestamp(timestamp: Timestamp): Date {
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1_000_000));
}
