/** New notification ids (UUIDv7 in production: time ordered, so inserts append to the index). */
export abstract class IdGenerator {
  abstract next(): string;
}
