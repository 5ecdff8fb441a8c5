import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { closedLoop, type LoadResult } from './load.js';

/**
 * The database's limits on this machine, measured the way pgbench would: `clients` connections in a
 * closed loop for `durationS`, each committing as fast as it can, on the bench database.
 * - single-row INSERT: one autocommit INSERT per transaction;
 * - 3-statement transaction: BEGIN; UPDATE one of 100,000 accounts; INSERT a history row; INSERT an
 *   outbox-like jsonb row; COMMIT (the shape of one saga step: aggregate, inbox, outbox).
 */
const ACCOUNTS = 100_000;
const SETUP = [
  'CREATE SCHEMA IF NOT EXISTS bench_limits',
  'CREATE TABLE bench_limits.single (id bigserial PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
  'CREATE TABLE bench_limits.accounts (id int PRIMARY KEY, balance bigint NOT NULL)',
  'CREATE TABLE bench_limits.history (id bigserial PRIMARY KEY, account_id int NOT NULL, delta int NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
  'CREATE TABLE bench_limits.outbox (id bigserial PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
  `INSERT INTO bench_limits.accounts SELECT g, 0 FROM generate_series(1, ${ACCOUNTS}) g`,
  'VACUUM ANALYZE bench_limits.accounts',
];
const UPDATE = 'UPDATE bench_limits.accounts SET balance = balance + $1 WHERE id = $2';
const HISTORY = 'INSERT INTO bench_limits.history (account_id, delta) VALUES ($1, $2)';
const OUTBOX = 'INSERT INTO bench_limits.outbox (payload) VALUES ($1)';

export async function setupPgLimits(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const sql of SETUP) await client.query(sql);
  } finally {
    await client.end();
  }
}

async function withClients<T>(databaseUrl: string, clients: number, fn: (pool: pg.Client[]) => Promise<T>): Promise<T> {
  const connected = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new pg.Client({ connectionString: databaseUrl, application_name: 'oms:bench-limits' });
      await c.connect();
      return c;
    }),
  );
  try {
    return await fn(connected);
  } finally {
    await Promise.all(connected.map((c) => c.end()));
  }
}

/** Each worker of the closed loop owns one connection (prepared statements, like pgbench -M prepared). */
function perClient(clients: pg.Client[], fn: (client: pg.Client) => Promise<void>): () => Promise<undefined> {
  const idle = [...clients];
  return async () => {
    const client = idle.pop()!;
    try {
      await fn(client);
    } finally {
      idle.push(client);
    }
    return undefined;
  };
}

export async function singleInsertCommits(databaseUrl: string, clients: number, durationS: number): Promise<LoadResult> {
  return withClients(databaseUrl, clients, async (pool) => {
    const payload = 'x'.repeat(100);
    const send = perClient(pool, async (c) => void (await c.query({ name: 'single', text: 'INSERT INTO bench_limits.single (payload) VALUES ($1)', values: [payload] })));
    return (await closedLoop(send, clients, durationS)).result({ name: 'pg: single-row INSERT', model: 'closed', concurrency: clients }, durationS);
  });
}

export async function threeStatementCommits(databaseUrl: string, clients: number, durationS: number): Promise<LoadResult> {
  return withClients(databaseUrl, clients, async (pool) => {
    const payload = JSON.stringify({ type: 'bench.step', orderId: '00000000-0000-0000-0000-000000000000', items: [{ sku: 'BENCH000', qty: 1 }] });
    const send = perClient(pool, async (c) => {
      const id = 1 + Math.floor(Math.random() * ACCOUNTS);
      const delta = Math.floor(Math.random() * 10_000) - 5_000;
      await c.query('BEGIN');
      try {
        await c.query({ name: 'update', text: UPDATE, values: [delta, id] });
        await c.query({ name: 'history', text: HISTORY, values: [id, delta] });
        await c.query({ name: 'outbox', text: OUTBOX, values: [payload] });
        await c.query('COMMIT');
      } catch (error) {
        await c.query('ROLLBACK');
        throw error;
      }
    });
    return (await closedLoop(send, clients, durationS)).result({ name: 'pg: 3-statement transaction', model: 'closed', concurrency: clients }, durationS);
  });
}

/**
 * The same 3-statement transaction through pgbench itself (C client, -M prepared), when pgbench is
 * on the PATH: a cross-check of the Node client's figure. Returns tps, or undefined without pgbench.
 */
export async function pgbenchThreeStatement(databaseUrl: string, clients: number, durationS: number): Promise<number | undefined> {
  const script = join(tmpdir(), `oms-bench-${process.pid}.sql`);
  writeFileSync(
    script,
    [
      `\\set aid random(1, ${ACCOUNTS})`,
      '\\set delta random(-5000, 5000)',
      'BEGIN;',
      'UPDATE bench_limits.accounts SET balance = balance + :delta WHERE id = :aid;',
      'INSERT INTO bench_limits.history (account_id, delta) VALUES (:aid, :delta);',
      `INSERT INTO bench_limits.outbox (payload) VALUES ('{"type":"bench.step"}');`,
      'COMMIT;',
      '',
    ].join('\n'),
  );
  try {
    const { stdout } = await promisify(execFile)('pgbench', ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(durationS), '-f', script, databaseUrl]);
    const match = /tps = ([\d.]+)/.exec(stdout);
    return match ? Number(match[1]) : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
