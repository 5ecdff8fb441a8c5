import pg from 'pg';
import { OrderServiceHarness } from './support/order-service.harness.js';

/**
 * The database goes away under a running service: clients get UNAVAILABLE (retryable), never
 * INTERNAL, readiness says so, and everything recovers without a restart once it is back.
 */
let h: OrderServiceHarness;
let token: string;
const dbName = (): string => new URL(h.db.url).pathname.slice(1);

beforeAll(async () => {
  h = await OrderServiceHarness.start();
  token = await h.token('outage');
}, 60_000);

afterAll(async () => {
  await allowConnections(true).catch(() => undefined);
  await h?.stop();
});

/** Through the server's maintenance database, which works while the test database refuses logins. */
async function admin(sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

const allowConnections = (allow: boolean): Promise<void> =>
  admin(`ALTER DATABASE "${dbName()}" ALLOW_CONNECTIONS ${allow}`);

async function cutTheDatabase(): Promise<void> {
  await allowConnections(false);
  await admin(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name LIKE 'oms:%'`,
    [dbName()],
  );
}

it('answers UNAVAILABLE on both ports while the database is unreachable, then recovers', async () => {
  const items = { items: [{ sku: 'P001', qty: 1 }] };
  expect((await h.rest.call('CreateOrder', items, { token })).ok).toBe(true);

  await cutTheDatabase();
  for (const client of [h.rest, h.grpc]) {
    const outcome = await client.call('CreateOrder', items, { token });
    expect({ port: client.port, outcome }).toMatchObject({ outcome: { ok: false, status: 'UNAVAILABLE' } });
  }
  const rest = await fetch(`${h.running.httpUrl}/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(items),
  });
  expect(rest.status).toBe(503);
  expect((await fetch(`${h.running.httpUrl}/health/ready`)).status).toBe(503);
  expect((await fetch(`${h.running.httpUrl}/health/live`)).status).toBe(200);

  await allowConnections(true);
  const deadline = Date.now() + 15_000;
  let recovered = false;
  while (!recovered && Date.now() < deadline) {
    recovered = (await h.grpc.call('CreateOrder', items, { token })).ok;
    if (!recovered) await new Promise((r) => setTimeout(r, 200));
  }
  expect(recovered).toBe(true);
  expect((await fetch(`${h.running.httpUrl}/health/ready`)).status).toBe(200);
}, 60_000);
