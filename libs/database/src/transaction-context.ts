import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/** Isolation levels PostgreSQL implements distinctly. */
export type TransactionIsolation = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** Options of {@link TransactionRunner.run}. */
export interface TransactionOptions {
  /** Applies when this call opens the transaction; joining one with another level is refused. */
  readonly isolation?: TransactionIsolation;
}

/** Options of a {@link TransactionRunner}. */
export interface TransactionRunnerOptions {
  /**
   * Receives errors of `afterCommit` callbacks. They never reach the code that committed, whose
   * change is durable by then. Defaults to a process warning.
   */
  readonly onCallbackError?: (error: unknown) => void;
}

type Callback = () => void | Promise<void>;

interface ActiveTransaction {
  readonly manager: EntityManager;
  readonly isolation: TransactionIsolation | undefined;
  /** False once committed or rolled back: a stray async continuation must not write through it. */
  open: boolean;
  savepoints: number;
  readonly afterCommit: Callback[];
}

/**
 * One store for the whole process, keyed by DataSource, so every runner over the same DataSource
 * sees the same ambient transaction, and one over another DataSource never joins it.
 */
const ambient = new AsyncLocalStorage<ReadonlyMap<DataSource, ActiveTransaction>>();

/**
 * Unit of work over a TypeORM DataSource. The transaction follows the async call chain, so a
 * caller (e.g. the idempotency layer) can wrap a whole command in `run()` and the repositories'
 * own `run()` calls join it instead of committing on their own.
 */
export class TransactionRunner {
  private readonly onCallbackError: (error: unknown) => void;

  constructor(
    private readonly dataSource: DataSource,
    options: TransactionRunnerOptions = {},
  ) {
    this.onCallbackError =
      options.onCallbackError ?? ((error) => process.emitWarning(`afterCommit callback failed: ${String(error)}`));
  }

  /**
   * Runs `fn` in the ambient transaction on this DataSource, or in a new one that commits when
   * `fn` resolves and rolls back when it throws.
   */
  async run<T>(fn: (manager: EntityManager) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const current = this.current();
    if (current) {
      if (opts.isolation && opts.isolation !== (current.isolation ?? 'READ COMMITTED')) {
        throw new Error(
          `cannot join a ${current.isolation ?? 'READ COMMITTED'} transaction with isolation ${opts.isolation}`,
        );
      }
      return fn(current.manager);
    }
    const callbacks: Callback[] = [];
    const body = async (manager: EntityManager): Promise<T> => {
      const tx: ActiveTransaction = { manager, isolation: opts.isolation, open: true, savepoints: 0, afterCommit: callbacks };
      const frames = new Map(ambient.getStore());
      frames.set(this.dataSource, tx);
      try {
        return await ambient.run(frames, () => fn(manager));
      } finally {
        tx.open = false;
      }
    };
    const result = await (opts.isolation
      ? this.dataSource.transaction(opts.isolation, body)
      : this.dataSource.transaction(body));
    for (const callback of callbacks) await this.invoke(callback);
    return result;
  }

  /**
   * Runs `callback` once the ambient transaction has committed (before the outermost `run()`
   * resolves), never if it rolls back, nor if the savepoint it was registered in is rolled
   * back. Outside a transaction it runs at once. Its errors go to `onCallbackError`.
   */
  afterCommit(callback: Callback): void {
    const current = this.current();
    if (current) current.afterCommit.push(callback);
    else void this.invoke(callback);
  }

  /**
   * Inside a transaction: runs `fn` under a SAVEPOINT and, if it throws, rolls back to it (keeping
   * the transaction usable) and rethrows. Outside one: the same as `run()`, whose rollback
   * undoes just as much.
   *
   * `prelude` is SQL without parameters sent in the same round trip, before the SAVEPOINT (outside
   * it: a rollback to the savepoint does not undo it). A savepoint whose work succeeded is not
   * released: COMMIT releases it anyway, and a RELEASE would cost a round trip.
   */
  async savepoint<T>(fn: (manager: EntityManager) => Promise<T>, prelude?: string): Promise<T> {
    const current = this.current();
    if (!current) {
      return this.run(async (manager) => {
        if (prelude) await manager.query(prelude);
        return fn(manager);
      });
    }
    const name = `sp_${++current.savepoints}`;
    const callbacksBefore = current.afterCommit.length;
    await current.manager.query(prelude ? `${prelude}; SAVEPOINT ${name}` : `SAVEPOINT ${name}`);
    try {
      return await fn(current.manager);
    } catch (error) {
      await current.manager.query(`ROLLBACK TO SAVEPOINT ${name}`);
      // What was rolled back must not be announced.
      current.afterCommit.length = callbacksBefore;
      throw error;
    }
  }

  /** The ambient transaction's manager, or the DataSource's (autocommit) manager. */
  manager(): EntityManager {
    return this.current()?.manager ?? this.dataSource.manager;
  }

  /** Whether a transaction on this DataSource is active in the current async context. */
  inTransaction(): boolean {
    return this.current() !== undefined;
  }

  private async invoke(callback: Callback): Promise<void> {
    try {
      await callback();
    } catch (error) {
      this.onCallbackError(error);
    }
  }

  private current(): ActiveTransaction | undefined {
    const tx = ambient.getStore()?.get(this.dataSource);
    return tx?.open ? tx : undefined;
  }
}
