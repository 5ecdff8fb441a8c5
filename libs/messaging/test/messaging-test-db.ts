import type { DataSource } from 'typeorm';
import { createDataSource, TransactionRunner } from '#libs/database';
import { createTestDatabase } from '#libs/testing';
import { deferredDeliveriesDdl, outboxAndInboxDdl } from '../src/messaging.ddl.js';

/** A throwaway database with one service schema holding an outbox, an inbox and a `effects` table. */
export interface MessagingTestDb {
  readonly dataSource: DataSource;
  readonly tx: TransactionRunner;
  readonly schema: string;
  readonly url: string;
  /** Rows of `<schema>.outbox`, oldest first. */
  outbox(): Promise<OutboxTestRow[]>;
  close(): Promise<void>;
}

export interface OutboxTestRow {
  id: string;
  message_id: string;
  exchange: string;
  routing_key: string;
  aggregate_id: string;
  payload: unknown;
  headers: Record<string, string>;
  published_at: Date | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
}

export async function createMessagingTestDb(schema = 'svc', poolSize = 8): Promise<MessagingTestDb> {
  const db = await createTestDatabase();
  const dataSource = await createDataSource({ url: db.url, schema, entities: [], migrations: [], poolSize }).initialize();
  await dataSource.query(`CREATE SCHEMA ${schema}`);
  for (const sql of [...outboxAndInboxDdl(schema), ...deferredDeliveriesDdl(schema)]) await dataSource.query(sql);
  await dataSource.query(`CREATE TABLE ${schema}.effects (id bigserial PRIMARY KEY, key text NOT NULL, note text)`);
  return {
    dataSource,
    tx: new TransactionRunner(dataSource),
    schema,
    url: db.url,
    outbox: () => dataSource.query(`SELECT * FROM ${schema}.outbox ORDER BY id`),
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    },
  };
}
