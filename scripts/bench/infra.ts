import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import pg from 'pg';
import { onCleanup } from './cleanup.js';

/** The machine's PostgreSQL server and RabbitMQ, and what the bench makes on them. */
export const PG_SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const AMQP_SERVER_URL = process.env.BENCH_AMQP_URL ?? process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A fresh database `oms_bench_<random>` on the server, dropped at cleanup. Returns its URL. */
export async function createBenchDatabase(): Promise<{ name: string; url: string }> {
  const name = `oms_bench_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  onCleanup(`drop database ${name}`, () =>
    withAdmin(async (c) => {
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
    }),
  );
  const url = new URL(PG_SERVER_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_SERVER_URL, application_name: 'oms:bench-admin' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A RabbitMQ virtual host of the bench's own (rabbitmqctl), deleted at cleanup. Returns its AMQP URL. */
export function createBenchVhost(): string {
  const vhost = `oms-bench-${randomBytes(4).toString('hex')}`;
  rabbitmqctl('add_vhost', vhost);
  onCleanup(`delete vhost ${vhost}`, () => rabbitmqctl('delete_vhost', vhost));
  rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  return `${AMQP_SERVER_URL.replace(/\/+$/, '')}/${vhost}`;
}

function rabbitmqctl(...args: string[]): void {
  execFileSync('rabbitmqctl', args, { stdio: 'ignore' });
}

/**
 * A pool on the bench database that counts the transactions the bench itself runs there, so they
 * can be taken out of `pg_stat_database.xact_commit` deltas (each query is one autocommit transaction).
 */
export class CountingPool {
  readonly pool: pg.Pool;
  queries = 0;
  constructor(url: string, max = 4) {
    this.pool = new pg.Pool({ connectionString: url, max, application_name: 'oms:bench' });
    onCleanup('close the bench pool', () => this.pool.end());
  }
  async query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    this.queries++;
    return this.pool.query<R>(text, values);
  }
}

/**
 * Spawns a Node child (same Node as the bench) and registers its stop (SIGTERM, then SIGKILL).
 * Its stderr goes to ours, prefixed; stdout (the services' JSON log) goes to `onStdout`: a line
 * callback, or a file path to append to; dropped without one.
 */
export function spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv, onStdout?: ((line: string) => void) | string): ChildProcess {
  const stdout = typeof onStdout === 'string' ? openSync(onStdout, 'a') : onStdout ? 'pipe' : 'ignore';
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', stdout, 'pipe'] });
  if (typeof stdout === 'number') closeSync(stdout);
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line.trim()) process.stderr.write(`[${name}] ${line}\n`);
  });
  if (typeof onStdout === 'function') child.stdout!.setEncoding('utf8').on('data', (chunk: string) => chunk.split('\n').forEach((l) => l && onStdout(l)));
  onCleanup(`stop ${name}`, () => stopChild(child));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls `probe` until it is true; throws after `timeoutMs` with `what`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
