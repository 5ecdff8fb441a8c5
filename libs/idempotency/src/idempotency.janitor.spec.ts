import { Logger } from '@nestjs/common';
import { IdempotencyJanitor } from './idempotency.janitor.js';
import type { IdempotencyStore } from './idempotency.store.js';

/** Answers purgeExpired() with the given counts in turn, or throws where an Error is given. */
class FakeStore {
  readonly limits: number[] = [];
  constructor(private readonly answers: (number | Error)[]) {}

  purgeExpired(limit: number): Promise<number> {
    this.limits.push(limit);
    const answer = this.answers.shift() ?? 0;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
}

const janitorOver = (store: FakeStore): IdempotencyJanitor => new IdempotencyJanitor(store as unknown as IdempotencyStore);

describe('IdempotencyJanitor.purge', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('purges batch after batch while they come back full, and returns the total', async () => {
    const store = new FakeStore([3, 3, 1]);
    expect(await janitorOver(store).purge(3)).toBe(7);
    expect(store.limits).toEqual([3, 3, 3]);
  });

  it('stops after one call when nothing is expired', async () => {
    const store = new FakeStore([0]);
    expect(await janitorOver(store).purge(1000)).toBe(0);
    expect(store.limits).toEqual([1000]);
  });

  it('stops after an exactly full batch followed by an empty one', async () => {
    const store = new FakeStore([2, 0]);
    expect(await janitorOver(store).purge(2)).toBe(2);
    expect(store.limits).toHaveLength(2);
  });

  it('survives a failing round: it reports what it purged before and does not throw', async () => {
    const store = new FakeStore([5, new Error('connection terminated')]);
    await expect(janitorOver(store).purge(5)).resolves.toBe(5);
  });
});
