import type { TransactionRunner } from '#libs/database';
import type { DeadLetterReason } from './delivery.pipeline.js';
import type { InProcessDelivery } from './in-process.broker.js';
import { assertSchemaName } from './messaging.ddl.js';

/** A delivery waiting in `deferred_deliveries` for its next attempt. */
export interface DueDelivery {
  readonly id: string;
  readonly delivery: InProcessDelivery;
}

interface DeferredRow {
  id: string;
  queue: string;
  exchange: string;
  routing_key: string;
  message_id: string;
  headers: Record<string, string>;
  body: string;
  message_time: Date;
}

/**
 * The in-process transport's durable memory (table `deferred_deliveries`, see
 * `deferredDeliveriesDdl`): deliveries waiting for a retry and dead letters, per consumer.
 * Each method is one statement in its own transaction; a failure throws, and the caller leaves
 * the message where it was (in the outbox, or leased here) so it comes back.
 */
export class DeferredDeliveryStore {
  private readonly table: string;

  constructor(
    private readonly tx: TransactionRunner,
    schema: string,
    private readonly consumer: string,
  ) {
    this.table = `${assertSchemaName(schema)}.deferred_deliveries`;
  }

  /** Parks a delivery until `delayMs` from now (a redelivery of a parked message changes nothing). */
  async scheduleRetry(delivery: InProcessDelivery, attempt: number, delayMs: number, error: string): Promise<void> {
    await this.query(
      `INSERT INTO ${this.table}
         (consumer, queue, exchange, routing_key, message_id, headers, body, message_time, state, attempt, due_at, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'retry', $9, now() + make_interval(secs => $10::float8 / 1000), $11)
       ON CONFLICT ON CONSTRAINT deferred_deliveries_message_key DO NOTHING`,
      [...this.identity(delivery), attempt, delayMs, error],
    );
  }

  /** Records a dead letter for a delivery that was never parked. */
  async recordDeadLetter(delivery: InProcessDelivery, attempt: number, reason: DeadLetterReason, error: string): Promise<void> {
    await this.query(
      `INSERT INTO ${this.table}
         (consumer, queue, exchange, routing_key, message_id, headers, body, message_time, state, attempt, due_at, reason, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'dead', $9, now(), $10, $11)
       ON CONFLICT ON CONSTRAINT deferred_deliveries_message_key
       DO UPDATE SET state = 'dead', attempt = EXCLUDED.attempt, reason = EXCLUDED.reason, last_error = EXCLUDED.last_error, updated_at = now()`,
      [...this.identity(delivery), attempt, reason, error],
    );
  }

  /**
   * Claims up to `limit` due retries for `leaseMs`: another poller (or this one after a crash)
   * sees them again only once the lease ran out, so a claimed row is never lost.
   */
  async claimDue(limit: number, leaseMs: number): Promise<DueDelivery[]> {
    const rows = (await this.query(
      `UPDATE ${this.table} SET due_at = now() + make_interval(secs => $3::float8 / 1000), updated_at = now()
        WHERE id IN (SELECT id FROM ${this.table}
                      WHERE consumer = $1 AND state = 'retry' AND due_at <= now()
                      ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id, queue, exchange, routing_key, message_id, headers, body, message_time`,
      [this.consumer, limit, leaseMs],
    )) as [DeferredRow[], number] | DeferredRow[];
    // TypeORM returns [rows, affected] for UPDATE ... RETURNING on PostgreSQL.
    const list = Array.isArray(rows[0]) ? (rows[0] as DeferredRow[]) : (rows as DeferredRow[]);
    return list
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((row) => ({
        id: String(row.id),
        delivery: {
          queue: row.queue,
          exchange: row.exchange,
          routingKey: row.routing_key,
          messageId: row.message_id,
          headers: row.headers,
          body: row.body,
          timestamp: new Date(row.message_time),
        },
      }));
  }

  /** The retry was handled (or found to be a duplicate): forget it. */
  async done(id: string): Promise<void> {
    await this.query(`DELETE FROM ${this.table} WHERE id = $1`, [id]);
  }

  /** Another retry after `delayMs`, with the headers of the next attempt. */
  async reschedule(id: string, headers: Readonly<Record<string, string>>, attempt: number, delayMs: number, error: string): Promise<void> {
    await this.query(
      `UPDATE ${this.table} SET headers = $2, attempt = $3, due_at = now() + make_interval(secs => $4::float8 / 1000), last_error = $5, updated_at = now()
        WHERE id = $1`,
      [id, headers, attempt, delayMs, error],
    );
  }

  /** A parked retry failed for the last time. */
  async bury(id: string, attempt: number, reason: DeadLetterReason, error: string): Promise<void> {
    await this.query(`UPDATE ${this.table} SET state = 'dead', attempt = $2, reason = $3, last_error = $4, updated_at = now() WHERE id = $1`, [
      id,
      attempt,
      reason,
      error,
    ]);
  }

  private identity(d: InProcessDelivery): unknown[] {
    return [this.consumer, d.queue, d.exchange, d.routingKey, d.messageId, d.headers, d.body, d.timestamp];
  }

  private query(sql: string, parameters: unknown[]): Promise<unknown> {
    return this.tx.run((manager) => manager.query(sql, parameters));
  }
}
