import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * What both no-framework reference servers do per CreateOrder: one INSERT of the order through a
 * `pg` pool of the services' size (10). No auth, no validation beyond parsing, no idempotency, no
 * outbox: the floor under any framework's cost on this machine.
 */
export const RAW_TABLE_DDL = [
  'CREATE SCHEMA IF NOT EXISTS bench_raw',
  `CREATE TABLE IF NOT EXISTS bench_raw.orders (
     id          uuid PRIMARY KEY,
     customer_id text NOT NULL,
     items       jsonb NOT NULL,
     create_time timestamptz NOT NULL DEFAULT now()
   )`,
];

export function rawInserter(databaseUrl: string): (customerId: string, items: unknown) => Promise<{ id: string; createTime: string }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, application_name: 'oms:bench-raw' });
  return async (customerId, items) => {
    const id = randomUUID();
    const { rows } = await pool.query<{ create_time: Date }>(
      'INSERT INTO bench_raw.orders (id, customer_id, items) VALUES ($1, $2, $3) RETURNING create_time',
      [id, customerId, JSON.stringify(items)],
    );
    return { id, createTime: rows[0]!.create_time.toISOString() };
  };
}
