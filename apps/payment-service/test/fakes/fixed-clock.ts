import { Clock } from '../../src/application/ports/clock.port.js';

/** The default time of a {@link FixedClock}: mid-January 2030, UTC. */
export const DEFAULT_NOW = new Date('2030-01-15T10:00:00.000Z');

/** A clock that stands still until a test sets or advances it. */
export class FixedClock extends Clock {
  #now: number;

  constructor(start: Date = DEFAULT_NOW) {
    super();
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
