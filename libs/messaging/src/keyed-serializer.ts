/**
 * Runs tasks one at a time per key (tasks without a key run freely), at most `limit` at once
 * overall. The consumers use the outbox's `x-aggregate-id` as key: messages about one order are
 * handled in the order they arrived, messages about different orders in parallel.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<void>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit = Infinity) {}

  run<T>(key: string | undefined, task: () => Promise<T>): Promise<T> {
    const slot = (): Promise<T> => this.withSlot(task);
    if (key === undefined) return slot();
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(slot);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  private async withSlot<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
