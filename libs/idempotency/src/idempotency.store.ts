import { DomainError } from '#libs/ddd';
import type { TransactionRunner } from '#libs/database';
import type { EntityManager } from 'typeorm';
import { IdempotencyKeyReusedError, IdempotentRequestInProgressError, ReplayedError } from './idempotency.errors.js';

export interface IdempotencyOptions {
  /** The service's schema holding its `idempotency_keys` table. */
  readonly schema: string;
  /** How long a key is remembered; the contract asks for at least 24 h. */
  readonly retentionHours: number;
  /** How long a duplicate waits for the first request before giving up with ABORTED. */
  readonly waitMs: number;
  /** Error codes that describe a moment, not the request; they are not remembered. */
  readonly transientCodes: readonly string[];
}

export interface IdempotencyScope {
  /** Whose key it is: keys of different callers never collide. */
  readonly scope: string;
  readonly key: string;
  readonly requestHash: string;
}

type StoredAnswer =
  | { readonly result: unknown }
  | {
      readonly error: {
        code: string;
        message: string;
        details: Record<string, string>;
        violations?: { field: string; description: string }[];
      };
    };

const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Exactly-once execution per (caller, key), in PostgreSQL.
 *
 * The claim, the work and the stored answer share one transaction: a crash leaves no trace and the
 * key free, and a concurrent duplicate blocks on the claim's unique index until the first commits,
 * then reads its answer. Deterministic failures (domain errors) are answered the same way again;
 * anything else rolls the claim back so a retry may run.
 */
export class IdempotencyStore {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly options: IdempotencyOptions,
  ) {}

  async once<T>(id: IdempotencyScope, work: () => Promise<T>): Promise<T> {
    const answer = await this.tx.run(async (manager) => {
      const previous = await this.claim(manager, id);
      if (previous) return previous;
      const outcome = await this.attempt(work);
      await manager.query(
        `UPDATE ${this.table} SET status = 'COMPLETED', response = $3 WHERE scope = $1 AND key = $2`,
        [id.scope, id.key, JSON.stringify(outcome)],
      );
      return outcome;
    });
    if ('error' in answer) {
      const e = answer.error;
      throw new ReplayedError(e.code, e.message, e.details, e.violations);
    }
    return answer.result as T;
  }

  /**
   * Deletes up to `limit` keys past their retention; returns how many. Safe to run from every
   * replica at once: each DELETE removes what is still there.
   */
  async purgeExpired(limit = 1000): Promise<number> {
    // TypeORM answers an UPDATE or DELETE with [rows, affected row count].
    const [, deleted]: [unknown[], number] = await this.tx.manager().query(
      `DELETE FROM ${this.table} WHERE (scope, key) IN
         (SELECT scope, key FROM ${this.table} WHERE expires_at < now() LIMIT $1)`,
      [limit],
    );
    return deleted;
  }

  private get table(): string {
    return `"${this.options.schema}".idempotency_keys`;
  }

  /** Inserts the key, or returns the stored answer of an earlier request with it. */
  private async claim(manager: EntityManager, id: IdempotencyScope): Promise<StoredAnswer | undefined> {
    let rows: { request_hash: string; status: string; response: StoredAnswer | null; expired: boolean }[];
    try {
      // The wait limit (a SET LOCAL lock_timeout, made in the row source so that it costs no
      // round trip of its own) is in force when the insert meets a duplicate in flight and waits
      // for its commit; `attempt` lifts it before the command runs.
      const inserted: unknown[] = await manager.query(
        `INSERT INTO ${this.table} (scope, key, request_hash, status, expires_at)
         SELECT $1, $2, $3, 'IN_PROGRESS', now() + make_interval(hours => $4)
           FROM (SELECT set_config('lock_timeout', $5, true)) AS wait_limit
         ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
        [id.scope, id.key, id.requestHash, this.options.retentionHours, String(Math.max(1, Math.floor(this.options.waitMs)))],
      );
      if (inserted.length > 0) return undefined;
      rows = await manager.query(
        `SELECT request_hash, status, response, expires_at < now() AS expired
           FROM ${this.table} WHERE scope = $1 AND key = $2 FOR UPDATE`,
        [id.scope, id.key],
      );
    } catch (error) {
      if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) throw new IdempotentRequestInProgressError(id.key);
      throw error;
    }
    const row = rows[0];
    if (!row) {
      // Purged between our insert attempt and the read: claim it afresh.
      return this.claim(manager, id);
    }
    if (row.expired) {
      await manager.query(
        `UPDATE ${this.table} SET request_hash = $3, status = 'IN_PROGRESS', response = NULL, created_at = now(),
                expires_at = now() + make_interval(hours => $4) WHERE scope = $1 AND key = $2`,
        [id.scope, id.key, id.requestHash, this.options.retentionHours],
      );
      return undefined;
    }
    if (row.request_hash !== id.requestHash) throw new IdempotencyKeyReusedError(id.key);
    if (row.status !== 'COMPLETED' || !row.response) throw new IdempotentRequestInProgressError(id.key);
    return row.response;
  }

  /**
   * Runs the work under a savepoint so a refused command leaves only the stored answer behind.
   * The claim's wait limit is lifted first: it is not for the locks the command itself waits for.
   */
  private async attempt(work: () => Promise<unknown>): Promise<StoredAnswer> {
    try {
      return { result: await this.tx.savepoint(() => work(), 'SET LOCAL lock_timeout TO DEFAULT') };
    } catch (error) {
      if (!(error instanceof DomainError) || this.options.transientCodes.includes(error.code)) throw error;
      const violations = (error as { violations?: { field: string; description: string }[] }).violations;
      return { error: { code: error.code, message: error.message, details: { ...error.details }, violations } };
    }
  }
}
