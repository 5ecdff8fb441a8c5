import type { DataSource } from 'typeorm';
import { createDataSource } from '#libs/database';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import { purgeInbox } from './inbox.janitor.js';
import {
  assertSchemaName,
  deferredDeliveriesDdl,
  dropDeferredDeliveriesDdl,
  dropOutboxAndInboxDdl, outboxAndInboxDdl,
  outboxDowngradeDdl,
  outboxUpgradeDdl,
} from './messaging.ddl.js';

describe('outbox and inbox DDL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  const run = async (statements: string[]) => {
    for (const sql of statements) await dataSource.query(sql);
  };
  const columns = async (schema: string, table: string) =>
    (
      await dataSource.query<{ column_name: string }[]>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
        [schema, table],
      )
    ).map((r) => r.column_name);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource({ url: db.url, schema: 'public', entities: [], migrations: [] }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('creates the outbox and the inbox of a new schema, with working defaults and keys', async () => {
    await dataSource.query('CREATE SCHEMA fresh');
    await run(outboxAndInboxDdl('fresh'));
    expect(await columns('fresh', 'outbox')).toEqual([
      'id', 'message_id', 'exchange', 'routing_key', 'aggregate_id', 'payload', 'headers',
      'created_at', 'published_at', 'attempts', 'last_error', 'next_attempt_at',
    ]);
    expect(await columns('fresh', 'inbox')).toEqual(['consumer', 'message_id', 'received_at']);
    const [row] = await dataSource.query<{ attempts: number; due: boolean; headers: object }[]>(
      `INSERT INTO fresh.outbox (message_id, exchange, routing_key, aggregate_id, payload)
       VALUES (gen_random_uuid(), 'oms.events', 'x.y', 'a1', '{}') RETURNING attempts, next_attempt_at <= now() AS due, headers`,
    );
    expect(row).toEqual({ attempts: 0, due: true, headers: {} });
    await dataSource.query(`INSERT INTO fresh.inbox (consumer, message_id) VALUES ('c', 'm1')`);
    await expect(dataSource.query(`INSERT INTO fresh.inbox (consumer, message_id) VALUES ('c', 'm1')`)).rejects.toThrow(/duplicate key/);
    const indexes = await dataSource.query<{ indexname: string }[]>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'fresh' ORDER BY 1`);
    expect(indexes.map((i) => i.indexname)).toEqual(
      expect.arrayContaining(['outbox_unpublished_idx', 'outbox_unpublished_aggregate_idx', 'outbox_published_at_idx', 'inbox_received_at_idx']),
    );
    await run(dropOutboxAndInboxDdl('fresh'));
    expect(await columns('fresh', 'outbox')).toEqual([]);
  });

  it('creates the deferred deliveries table: one row per consumer, queue and message, known states only', async () => {
    await dataSource.query('CREATE SCHEMA deferred');
    await run(deferredDeliveriesDdl('deferred'));
    const insert = (state: string, queue = 'q') =>
      dataSource.query(
        `INSERT INTO deferred.deferred_deliveries (consumer, queue, exchange, routing_key, message_id, headers, body, message_time, state, attempt, due_at)
         VALUES ('c', $2, 'oms.commands', 'k', 'm1', '{}', '{}', now(), $1, 2, now())`,
        [state, queue],
      );
    await insert('retry');
    await expect(insert('retry')).rejects.toThrow(/deferred_deliveries_message_key/);
    await insert('dead', 'other-queue');
    await expect(insert('lost', 'third')).rejects.toThrow(/deferred_deliveries_state_check/);
    await run(dropDeferredDeliveriesDdl('deferred'));
    expect(await columns('deferred', 'deferred_deliveries')).toEqual([]);
  });

  it('upgrades an outbox of the old shape in place, idempotently, and downgrades it', async () => {
    await dataSource.query('CREATE SCHEMA old');
    // The shape order-service's initial migration created.
    await dataSource.query(`CREATE TABLE old.outbox (
      id bigserial PRIMARY KEY, message_id uuid NOT NULL UNIQUE, exchange text NOT NULL DEFAULT 'oms.events',
      routing_key text NOT NULL, aggregate_id text NOT NULL, payload jsonb NOT NULL, headers jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz NULL)`);
    await dataSource.query(`CREATE INDEX outbox_unpublished_idx ON old.outbox (id) WHERE published_at IS NULL`);
    await dataSource.query(`INSERT INTO old.outbox (message_id, routing_key, aggregate_id, payload) VALUES (gen_random_uuid(), 'k', 'a', '{}')`);
    await run(outboxUpgradeDdl('old'));
    await run(outboxUpgradeDdl('old'));
    expect(await columns('old', 'outbox')).toEqual(expect.arrayContaining(['attempts', 'last_error', 'next_attempt_at']));
    const [existing] = await dataSource.query<{ attempts: number; last_error: null }[]>('SELECT attempts, last_error FROM old.outbox');
    expect(existing).toEqual({ attempts: 0, last_error: null });
    await run(outboxDowngradeDdl('old'));
    expect(await columns('old', 'outbox')).not.toContain('attempts');
  });

  it('purges old inbox entries only', async () => {
    await dataSource.query('CREATE SCHEMA janitor');
    await run(outboxAndInboxDdl('janitor'));
    await dataSource.query(`INSERT INTO janitor.inbox (consumer, message_id, received_at)
      SELECT 'c', 'old-' || i, now() - interval '8 days' FROM generate_series(1, 5) i`);
    await dataSource.query(`INSERT INTO janitor.inbox (consumer, message_id) VALUES ('c', 'fresh')`);
    expect(await purgeInbox(dataSource, 'janitor', new Date(Date.now() - 7 * 86_400_000), 2)).toBe(5);
    expect(await dataSource.query('SELECT message_id FROM janitor.inbox')).toEqual([{ message_id: 'fresh' }]);
  });

  it('refuses schema names it would have to quote', () => {
    expect(() => outboxAndInboxDdl('Order-Service')).toThrow(/invalid schema name/);
    expect(() => assertSchemaName('x; DROP TABLE y')).toThrow(/invalid schema name/);
    expect(assertSchemaName('order_service')).toBe('order_service');
  });
});
