import { Logger, type LoggerService } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { assertSchemaName } from './messaging.ddl.js';
import type { MessagePublisher, PublishedMessage, PublishResult } from './message.publisher.js';
import { onOutboxCommit } from './outbox-nudges.js';

/** Options of an {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  /**
   * The service's DataSource. The relay opens its own transactions on it and never joins an
   * ambient `TransactionRunner` one: with the in-process publisher, handlers run while a batch is
   * being published, and must not end up inside the relay's transaction.
   */
  readonly dataSource: DataSource;
  /** Schema holding the `outbox` table. */
  readonly schema: string;
  readonly publisher: MessagePublisher;
  /** Rows per batch (default 100). */
  readonly batchSize?: number;
  /** Pause between polls when there was nothing (more) to do (default 200 ms); a nudge cuts it short. */
  readonly idleMs?: number;
  /**
   * After a batch that found rows, how long to let more commits gather before the next one
   * (default 5 ms). Under load, a pass per commit would cost its 7 statements for one or two rows;
   * the first message after a quiet spell still goes at once.
   */
  readonly lingerMs?: number;
  /** Failed attempts after which a row is parked until {@link OutboxRelay.retryParked} (default 25). */
  readonly maxAttempts?: number;
  /** First retry delay of a failed row (default 1 s); doubles per attempt. */
  readonly backoffBaseMs?: number;
  /** Longest retry delay (default 5 min). */
  readonly backoffMaxMs?: number;
  readonly logger?: LoggerService;
}

/** The relay's view of its outbox, for readiness and metrics. */
export interface OutboxStats {
  /** Unpublished rows that will be tried (again). */
  readonly pending: number;
  /** Unpublished rows given up on after `maxAttempts`; they hold back their aggregates. */
  readonly parked: number;
  /** Age of the oldest pending (not parked) row, 0 when there is none. */
  readonly oldestPendingAgeMs: number;
}

interface OutboxRow {
  id: string;
  message_id: string;
  exchange: string;
  routing_key: string;
  aggregate_id: string;
  payload: unknown;
  headers: Record<string, string>;
  created_at: Date;
  attempts: number;
}

interface Failure {
  readonly row: OutboxRow;
  readonly reason: string;
}

const LAST_ERROR_MAX = 2000;

/**
 * Publishes the rows of `<schema>.outbox` and marks them published (rows are kept, with
 * `published_at`, until {@link purgePublished}).
 *
 * Any number of relays (replicas) may run on one table. A batch is one transaction:
 * 1. Take due rows (`published_at IS NULL AND next_attempt_at <= now()`) in id order, skipping
 *    aggregates whose earlier row is waiting for a retry and aggregates for which
 *    `pg_try_advisory_xact_lock(hashtext('<schema>.outbox'), hashtext(aggregate_id))` fails
 *    (another relay is publishing that aggregate), and lock them `FOR UPDATE SKIP LOCKED`. The
 *    two filters keep relays from starving each other; they are not what makes the order safe.
 * 2. Drop every selected row that has an earlier unpublished row of its aggregate outside the
 *    batch. This is the ordering rule, checked with a fresh snapshot once the locks are held: a
 *    row is published only if every earlier row of its aggregate is either published already or
 *    in this batch, ahead of it. The filters of step 1 cannot replace it: they see the snapshot
 *    the SELECT started with, so if another relay commits a *failure* of row X1 while our scan
 *    runs, X1 drops out of our batch (its new version is not due) but X2 still passes them.
 * 3. Publish in waves: wave k holds the k-th remaining row of each aggregate, and waits for the
 *    broker's confirms before the next wave. A row that fails stops its aggregate for this batch
 *    (its later rows stay unpublished and are blocked by rule 2 until it succeeds); other
 *    aggregates go on.
 * 4. Mark the published rows; give failed ones `attempts + 1`, `last_error` and an exponential
 *    `next_attempt_at` (parked at `infinity` after `maxAttempts`). Commit.
 * A crash between a publish and the commit republishes the row later: delivery is at least
 * once, and consumers deduplicate by message id.
 *
 * Assumption, kept by every aggregate's optimistic or pessimistic lock: two transactions never
 * append rows for the same aggregate concurrently, so outbox ids follow each aggregate's commit
 * order (an id taken by a transaction that commits later would be invisible to rule 2).
 */
export class OutboxRelay {
  private readonly schema: string;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly lingerMs: number;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly logger: LoggerService;
  private loop?: Promise<void>;
  private stopping = false;
  private nudged = false;
  private wake?: () => void;
  private unsubscribe?: () => void;

  constructor(private readonly options: OutboxRelayOptions) {
    this.schema = assertSchemaName(options.schema);
    this.batchSize = positive(options.batchSize ?? 100, 'batchSize');
    this.idleMs = options.idleMs ?? 200;
    this.lingerMs = options.lingerMs ?? 5;
    this.maxAttempts = positive(options.maxAttempts ?? 25, 'maxAttempts');
    this.backoffBaseMs = options.backoffBaseMs ?? 1000;
    this.backoffMaxMs = options.backoffMaxMs ?? 5 * 60_000;
    this.logger = options.logger ?? new Logger(OutboxRelay.name);
  }

  /** Starts polling (idempotent); writers of the same schema in this process nudge it after commits. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.unsubscribe = onOutboxCommit(this.schema, () => this.nudge());
    this.loop = this.run();
  }

  /** Stops polling; resolves once the batch in progress (if any) is published and committed. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Asks for a poll now rather than after the idle pause. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Runs one batch; resolves with the number of rows published. */
  async runOnce(): Promise<number> {
    return (await this.batch()).published;
  }

  /** Deletes rows published before `olderThan`, in chunks; resolves with how many. */
  async purgePublished(olderThan: Date, chunk = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.options.dataSource.query(
        `DELETE FROM ${this.schema}.outbox WHERE id IN (
           SELECT id FROM ${this.schema}.outbox WHERE published_at IS NOT NULL AND published_at < $1 ORDER BY id LIMIT $2)`,
        [olderThan, chunk],
      )) as [unknown, number];
      total += deleted;
      if (deleted < chunk) return total;
    }
  }

  /** Gives parked rows (all, or one aggregate's) a fresh set of attempts; resolves with how many. */
  async retryParked(aggregateId?: string): Promise<number> {
    const [, updated] = (await this.options.dataSource.query(
      `UPDATE ${this.schema}.outbox SET attempts = 0, next_attempt_at = now()
        WHERE published_at IS NULL AND next_attempt_at = 'infinity' AND ($1::text IS NULL OR aggregate_id = $1)`,
      [aggregateId ?? null],
    )) as [unknown, number];
    if (updated > 0) this.nudge();
    return updated;
  }

  async stats(): Promise<OutboxStats> {
    const [row] = (await this.options.dataSource.query(
      `SELECT count(*) FILTER (WHERE next_attempt_at <> 'infinity')::int AS pending,
              count(*) FILTER (WHERE next_attempt_at = 'infinity')::int AS parked,
              COALESCE(floor(extract(epoch FROM now() - min(created_at) FILTER (WHERE next_attempt_at <> 'infinity')) * 1000), 0)::float8 AS oldest
         FROM ${this.schema}.outbox WHERE published_at IS NULL`,
    )) as { pending: number; parked: number; oldest: number }[];
    return { pending: row!.pending, parked: row!.parked, oldestPendingAgeMs: row!.oldest };
  }

  private async run(): Promise<void> {
    let consecutiveErrors = 0;
    // An idle relay polls with one autocommit look instead of a 4-statement transaction; after a
    // nudge (a commit of this process) or a batch that found rows, it goes straight to work.
    let lookFirst = false;
    while (!this.stopping) {
      let more = false;
      let found = true;
      try {
        if (lookFirst) found = await this.anyDue();
        if (found) {
          const { selected, published } = await this.batch();
          found = selected > 0;
          // A full batch that made progress means more may be due now; anything else waits.
          more = selected >= this.batchSize && published > 0;
        }
        consecutiveErrors = 0;
      } catch (error) {
        consecutiveErrors++;
        this.logger.warn?.({ err: error, schema: this.schema }, 'outbox relay batch failed; retrying');
        await this.pause(Math.min(this.idleMs * 2 ** consecutiveErrors, 30_000), false);
        lookFirst = false;
        continue;
      }
      lookFirst = false;
      if (more) continue;
      if (found && this.lingerMs > 0) await this.pause(this.lingerMs, false);
      lookFirst = !(await this.pause(this.idleMs, true)) && !found;
    }
  }

  /** Whether any row is due, in one autocommit statement (the idle poll). */
  private async anyDue(): Promise<boolean> {
    const rows = (await this.options.dataSource.query(
      `SELECT 1 FROM ${this.schema}.outbox WHERE published_at IS NULL AND next_attempt_at <= now() LIMIT 1`,
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Sleeps `ms`, or less if stopped or (when `wakeOnNudge`) nudged, including before the call.
   * @returns whether a nudge ended it
   */
  private pause(ms: number, wakeOnNudge: boolean): Promise<boolean> {
    if (this.stopping || (wakeOnNudge && this.nudged)) {
      const nudged = wakeOnNudge && this.nudged;
      if (wakeOnNudge) this.nudged = false;
      return Promise.resolve(nudged);
    }
    return new Promise<boolean>((resolve) => {
      const done = (byNudge: boolean): void => {
        clearTimeout(timer);
        this.wake = undefined;
        // A pause that a nudge cannot end (a linger, a backoff) keeps the nudge for the next one.
        if (wakeOnNudge) this.nudged = false;
        resolve(byNudge);
      };
      const timer = setTimeout(() => done(false), ms);
      this.wake = () => {
        if (this.stopping || wakeOnNudge) done(!this.stopping);
      };
    });
  }

  /**
   * One batch in one transaction of five round trips, not the eight TypeORM's `transaction()` and a
   * statement per step would take: every relay hop of a saga waits for a batch, so its length is
   * latency on every step of every order. Statements without parameters travel together (simple
   * protocol); a failure rolls back.
   */
  private async batch(): Promise<{ selected: number; published: number }> {
    const runner = this.options.dataSource.createQueryRunner();
    let open = false;
    try {
      // In id order straight from the partial index, stopping at the LIMIT: without this, stale
      // statistics (a table that just filled up) make PostgreSQL sort the whole backlog each time.
      // And no JIT: a sort the planner cannot avoid then costs 1e10, far above jit_above_cost, and
      // compiling the statement took 150 ms of a 1 ms batch (docs/performance.md, Findings).
      await runner.query('START TRANSACTION; SET LOCAL enable_sort = off; SET LOCAL jit = off');
      open = true;
      const rows = await this.selectBatch(runner.manager);
      if (rows.length === 0) {
        await runner.query('COMMIT');
        open = false;
        return { selected: 0, published: 0 };
      }
      const ready = await this.dropBlocked(runner.manager, rows);
      const { published, failed } = await this.publishInWaves(ready);
      await this.markFailed(runner.manager, failed);
      await runner.query(`${markPublishedSql(this.schema, published)}COMMIT`);
      open = false;
      return { selected: rows.length, published: published.length };
    } catch (error) {
      // Also after a failed final round trip: its UPDATE may have left the transaction aborted, and
      // a ROLLBACK after a COMMIT that did happen is only a warning.
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Step 1, in two statements. The first scans the candidates and try-locks their aggregates:
   * advisory locks are taken exactly for the aggregates considered, whatever plan PostgreSQL picks
   * (a volatile function in the WHERE clause of a LIMIT query may run for every row of a sorted
   * scan, locking every aggregate in the backlog), because the candidates are a materialised CTE
   * with its LIMIT and the try-lock filters their distinct aggregates (a volatile qual is never
   * pushed down into the subquery). The second locks the rows. Neither needs a sort node, which
   * `enable_sort = off` would price at 1e10; ids are put in order here.
   */
  private async selectBatch(manager: EntityManager): Promise<OutboxRow[]> {
    const sql = relayStatements(this.schema);
    const candidates = (await manager.query(sql.lockCandidates, [this.batchSize * 2, `${this.schema}.outbox`])) as { id: string }[];
    if (candidates.length === 0) return [];
    const ids = candidates.map((c) => c.id).sort(compareIds).slice(0, this.batchSize);
    const rows = (await manager.query(sql.lockRows, [ids])) as OutboxRow[];
    return rows.sort((a, b) => compareIds(a.id, b.id));
  }

  /** Step 2: drops rows behind an unpublished row of their aggregate that is not in the batch. */
  private async dropBlocked(manager: EntityManager, rows: OutboxRow[]): Promise<OutboxRow[]> {
    const lastOfAggregate = new Map<string, string>();
    for (const row of rows) lastOfAggregate.set(row.aggregate_id, row.id);
    // Per aggregate, the first unpublished row outside the batch that precedes the batch's last
    // row of that aggregate: an index range scan on (aggregate_id, id), not a backlog scan.
    const outside = (await manager.query(
      `SELECT a.aggregate_id,
              (SELECT min(e.id) FROM ${this.schema}.outbox e
                WHERE e.aggregate_id = a.aggregate_id AND e.id < a.last_id
                  AND e.published_at IS NULL AND NOT (e.id = ANY($3::bigint[])))::text AS first_outside
         FROM unnest($1::text[], $2::bigint[]) AS a(aggregate_id, last_id)`,
      [[...lastOfAggregate.keys()], [...lastOfAggregate.values()], rows.map((r) => r.id)],
    )) as { aggregate_id: string; first_outside: string | null }[];
    const blockedFrom = new Map(outside.filter((o) => o.first_outside !== null).map((o) => [o.aggregate_id, BigInt(o.first_outside!)]));
    if (blockedFrom.size === 0) return rows;
    return rows.filter((row) => {
      const from = blockedFrom.get(row.aggregate_id);
      return from === undefined || BigInt(row.id) < from;
    });
  }

  private async publishInWaves(rows: OutboxRow[]): Promise<{ published: string[]; failed: Failure[] }> {
    const byAggregate = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const list = byAggregate.get(row.aggregate_id);
      if (list) list.push(row);
      else byAggregate.set(row.aggregate_id, [row]);
    }
    const published: string[] = [];
    const failed: Failure[] = [];
    let depth = 0;
    let wave = [...byAggregate.values()].map((list) => list[0]!);
    while (wave.length > 0) {
      const results = await this.publishWave(wave);
      const next: OutboxRow[] = [];
      wave.forEach((row, i) => {
        const result = results[i]!;
        if (result.ok) {
          published.push(row.id);
          const following = byAggregate.get(row.aggregate_id)![depth + 1];
          if (following) next.push(following);
        } else {
          failed.push({ row, reason: result.reason });
        }
      });
      wave = next;
      depth++;
    }
    return { published, failed };
  }

  private async publishWave(wave: OutboxRow[]): Promise<PublishResult[]> {
    const results = await this.options.publisher.publish(wave.map(toPublished));
    // A publisher answering for other messages than asked would make us mark the wrong rows.
    if (results.length !== wave.length || results.some((r, i) => r.messageId !== wave[i]!.message_id)) {
      throw new Error('publisher returned results that do not match the batch');
    }
    return results;
  }

  private async markFailed(manager: EntityManager, failures: Failure[]): Promise<void> {
    if (failures.length === 0) return;
    const delays = failures.map(({ row }) =>
      row.attempts + 1 >= this.maxAttempts ? null : Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** row.attempts),
    );
    await manager.query(
      `UPDATE ${this.schema}.outbox o
          SET attempts = o.attempts + 1,
              last_error = f.error,
              next_attempt_at = CASE WHEN f.delay_ms IS NULL THEN 'infinity'::timestamptz
                                     ELSE now() + f.delay_ms * interval '1 millisecond' END
         FROM unnest($1::bigint[], $2::text[], $3::float8[]) AS f(id, error, delay_ms)
        WHERE o.id = f.id`,
      [failures.map((f) => f.row.id), failures.map((f) => f.reason.slice(0, LAST_ERROR_MAX)), delays],
    );
    failures.forEach(({ row, reason }, i) => {
      const context = { schema: this.schema, messageId: row.message_id, aggregateId: row.aggregate_id, routingKey: row.routing_key, attempt: row.attempts + 1, reason };
      if (delays[i] === null) this.logger.error(context, 'outbox message parked after its last attempt; its aggregate is held back');
      else this.logger.warn?.(context, 'outbox message not published; will retry');
    });
  }
}

/**
 * The two statements of a batch's step 1 (see `selectBatch`), run under `enable_sort = off`:
 * `lockCandidates($1 limit, $2 lock namespace)` returns the ids of the candidates whose aggregate
 * it try-locked; `lockRows($1 ids)` locks and returns those rows. Exported for the test that
 * keeps their plans free of sort nodes.
 */
export function relayStatements(schema: string): { readonly lockCandidates: string; readonly lockRows: string } {
  const s = assertSchemaName(schema);
  return {
    lockCandidates: `WITH candidates AS MATERIALIZED (
         SELECT o.id, o.aggregate_id
           FROM ${s}.outbox o
          WHERE o.published_at IS NULL
            AND o.next_attempt_at <= now()
            AND NOT EXISTS (SELECT 1 FROM ${s}.outbox e
                             WHERE e.aggregate_id = o.aggregate_id AND e.id < o.id
                               AND e.published_at IS NULL AND e.next_attempt_at > now())
          ORDER BY o.id
          LIMIT $1),
       locked AS MATERIALIZED (
         SELECT a.aggregate_id FROM (SELECT DISTINCT aggregate_id FROM candidates) AS a
          WHERE pg_try_advisory_xact_lock(hashtext($2), hashtext(a.aggregate_id)))
       SELECT c.id FROM candidates c WHERE c.aggregate_id IN (SELECT aggregate_id FROM locked)`,
    lockRows: `SELECT o.id, o.message_id, o.exchange, o.routing_key, o.aggregate_id, o.payload, o.headers, o.created_at, o.attempts
         FROM ${s}.outbox o
        WHERE o.id = ANY($1::bigint[]) AND o.published_at IS NULL AND o.next_attempt_at <= now()
          FOR UPDATE OF o SKIP LOCKED`,
  };
}

/** `UPDATE ... ;` marking `ids` published (ids are bigints from the table, checked, then inlined), or '' for none. */
function markPublishedSql(schema: string, ids: readonly string[]): string {
  if (ids.length === 0) return '';
  for (const id of ids) if (!/^[0-9]+$/.test(id)) throw new Error(`not an outbox id: ${JSON.stringify(id)}`);
  return `UPDATE ${schema}.outbox SET published_at = now(), last_error = NULL WHERE id = ANY('{${ids.join(',')}}'::bigint[]); `;
}

/** Orders outbox ids (bigints, as text) numerically. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function toPublished(row: OutboxRow): PublishedMessage {
  return {
    messageId: row.message_id,
    exchange: row.exchange,
    routingKey: row.routing_key,
    payload: row.payload,
    headers: row.headers,
    aggregateId: row.aggregate_id,
    createdAt: row.created_at,
  };
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}
