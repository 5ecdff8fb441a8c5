import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { freePort } from '#libs/testing';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'oms-embedded-pg-spec-'));
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps a persistent cluster across restarts and removes a non-persistent one on stop', async () => {
    const dataDir = path.join(dir, 'data');
    const logs: string[] = [];
    const first = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: true, onLog: (m) => logs.push(m) });
    await query(first.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES (\'still here\')');
    await first.stop();
    expect(logs.join('')).toContain('ready to accept connections');

    // Same directory, another port: the cluster is reused (not re-initialised), with its password.
    const second = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
    expect(second.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    expect(await query<{ v: string }>(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    await second.stop();
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);

  it('says why when the server cannot start', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startEmbeddedPostgres({ dataDir: path.join(dir, 'busy'), port, persistent: false })).rejects.toThrow(
        new RegExp(`failed to start on port ${port}`),
      );
    } finally {
      blocker.close();
    }
    // Not persistent: what the failed start created is gone.
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);
});
