import { Injectable } from '@nestjs/common';

/** One waiter's subscription to an order's changes (see {@link OrderChangeSignals.watch}). */
export interface OrderWatch {
  /**
   * Resolves at once if the order changed since the watch began or since the previous call,
   * otherwise on its next change or after `ms`, whichever comes first.
   */
  next(ms: number): Promise<void>;
  /** Ends the subscription; a pending `next` resolves. */
  close(): void;
}

class Watch implements OrderWatch {
  #changed = false;
  #wake?: () => void;

  constructor(private readonly unsubscribe: (watch: Watch) => void) {}

  signal(): void {
    this.#changed = true;
    this.#wake?.();
  }

  next(ms: number): Promise<void> {
    if (this.#changed) {
      this.#changed = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        this.#changed = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  close(): void {
    this.unsubscribe(this);
    this.#wake?.();
  }
}

/**
 * Tells requests waiting in this process for an order's outcome (`:pay`, `:cancel`, `:refund`
 * answer once it is known) that the order changed, as soon as the change committed here, instead
 * of at their next poll. A change committed by another replica is not seen: waiters keep polling
 * the database for those, so this only ever shortens a wait.
 */
@Injectable()
export class OrderChangeSignals {
  readonly #watches = new Map<string, Set<Watch>>();

  /** Watches an order; start watching before reading it, so that no change falls in between. */
  watch(orderId: string): OrderWatch {
    const watch = new Watch((w) => {
      const set = this.#watches.get(orderId);
      set?.delete(w);
      if (set?.size === 0) this.#watches.delete(orderId);
    });
    const set = this.#watches.get(orderId) ?? new Set<Watch>();
    set.add(watch);
    this.#watches.set(orderId, set);
    return watch;
  }

  /** Call once a change of the order committed. */
  changed(orderId: string): void {
    for (const watch of this.#watches.get(orderId) ?? []) watch.signal();
  }

  /** Orders being watched (for tests and leak checks). */
  get watchedOrders(): number {
    return this.#watches.size;
  }
}
