import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database of its own for one test file. */
export interface TestDatabase {
  /** Connection URL of the new database. */
  readonly url: string;
  /** Terminates its connections and drops it. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh, uniquely named database on the server of `DATABASE_URL` (set by the jest
 * global setup, an embedded server unless the environment provides one), so test files are
 * isolated from each other and can run in parallel.
 */
export async function createTestDatabase(serverUrl = process.env.DATABASE_URL): Promise<TestDatabase> {
  if (!serverUrl) {
    throw new Error('DATABASE_URL is not set: run the tests through jest, whose global setup provides a server');
  }
  const name = `oms_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdminClient(serverUrl, async (client) => {
        // A pool a test forgot to close must not keep the database alive.
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
      }),
  };
}

async function withAdminClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, application_name: 'oms:test-database' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
