import { AggregateRoot } from './aggregate-root.js';

class Counter extends AggregateRoot<number> {
  bump(n: number): void {
    this.record(n);
  }
}

describe('AggregateRoot', () => {
  it('keeps recorded events until pulled, oldest first', () => {
    const counter = new Counter();
    counter.bump(1);
    counter.bump(2);

    expect(counter.peekEvents()).toEqual([1, 2]);
    expect(counter.pullEvents()).toEqual([1, 2]);
    expect(counter.pullEvents()).toEqual([]);
  });

  it('peeking neither clears nor exposes the internal list', () => {
    const counter = new Counter();
    counter.bump(1);
    (counter.peekEvents() as number[]).push(99);

    expect(counter.peekEvents()).toEqual([1]);
  });
});
