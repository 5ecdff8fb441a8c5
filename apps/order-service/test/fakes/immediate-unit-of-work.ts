import { AsyncLocalStorage } from 'node:async_hooks';
import { UnitOfWork } from '../../src/application/ports/unit-of-work.port.js';

type Effect = () => void | Promise<void>;

/**
 * When the effects given to `afterCommit` run. The mode is a required constructor argument, so
 * every spec states which one it relies on.
 * - `manual`: they wait, in order, until the test calls {@link ImmediateUnitOfWork.flush}, even
 *   when registered outside a transaction. The test decides when "after commit" happens, and can
 *   look at the world in between.
 * - `at-commit`: what `TransactionRunner` does. Registered in a transaction, they run once the
 *   outermost `run` has succeeded and released its locks, and that `run` resolves only after
 *   them. Registered outside one, they start at once and nobody awaits them (await
 *   {@link ImmediateUnitOfWork.flush} to wait for them).
 * In both modes, effects registered in a transaction that fails are dropped, and effects' errors
 * go to {@link ImmediateUnitOfWork.effectErrors}: like the real runner's `onCallbackError`, they
 * never reach the code that registered them.
 */
export type AfterCommitMode = 'manual' | 'at-commit';

/** One outermost `run`: what locks are tied to and queued effects wait on. */
export class FakeTransaction {
  readonly effects: Effect[] = [];
  readonly #onEnd: (() => void)[] = [];
  #open = true;

  get open(): boolean {
    return this.#open;
  }

  /** Runs `callback` when the transaction ends, committed or not (e.g. to release a row lock). */
  onEnd(callback: () => void): void {
    this.#onEnd.push(callback);
  }

  end(): void {
    this.#open = false;
    for (const callback of this.#onEnd.splice(0)) callback();
  }
}

/**
 * The UnitOfWork port for specs. `run` just runs the work: there is no isolation and no
 * rollback, so a write made before a failure stays visible. A spec asserting "changes nothing"
 * after a failure therefore also proves that the failure came before any write. Like the real
 * one, nested runs join the ambient transaction, which follows the async call chain, so
 * concurrent top-level runs are separate transactions. The saga repository's row locks last
 * until the transaction ends (see InMemoryOrderSagaRepository).
 */
export class ImmediateUnitOfWork extends UnitOfWork {
  /** Errors thrown by effects, oldest first. */
  readonly effectErrors: unknown[] = [];
  /** Outermost runs that succeeded, and those that failed. */
  commits = 0;
  rollbacks = 0;
  readonly #ambient = new AsyncLocalStorage<FakeTransaction>();
  readonly #queued: Effect[] = [];
  readonly #inFlight = new Set<Promise<void>>();

  constructor(readonly mode: AfterCommitMode) {
    super();
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.current()) return work();
    const tx = new FakeTransaction();
    let result: T;
    try {
      result = await this.#ambient.run(tx, work);
    } catch (error) {
      this.rollbacks += 1;
      tx.end();
      throw error;
    }
    this.commits += 1;
    tx.end();
    if (this.mode === 'manual') this.#queued.push(...tx.effects);
    else for (const effect of tx.effects) await this.#invoke(effect);
    return result;
  }

  afterCommit(effect: Effect): void {
    const tx = this.current();
    if (tx) tx.effects.push(effect);
    else if (this.mode === 'manual') this.#queued.push(effect);
    else this.#track(this.#invoke(effect));
  }

  /** The transaction of the calling async context, if one is open. */
  current(): FakeTransaction | undefined {
    const tx = this.#ambient.getStore();
    return tx?.open ? tx : undefined;
  }

  /** Committed effects waiting for {@link flush} (manual mode). */
  get queuedEffects(): number {
    return this.#queued.length;
  }

  /**
   * Runs the queued effects one after the other, including those they queue in turn (manual
   * mode), and waits for the effects already running (at-commit mode).
   */
  async flush(): Promise<void> {
    for (;;) {
      const effect = this.#queued.shift();
      if (effect) await this.#invoke(effect);
      else if (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
      else return;
    }
  }

  #track(running: Promise<void>): void {
    this.#inFlight.add(running);
    void running.finally(() => this.#inFlight.delete(running));
  }

  async #invoke(effect: Effect): Promise<void> {
    try {
      await effect();
    } catch (error) {
      this.effectErrors.push(error);
    }
  }
}
