import { Clock } from '../../src/application/ports/clock.port.js';

export const DEFAULT_NOW = new Date('2030-01-01T12:00:00.000Z');

/** A clock that stands still unless told to move. */
export class FixedClock extends Clock {
  constructor(private current: Date = DEFAULT_NOW) {
    super();
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
