/**
 * SQL for the tables every messaging service owns in its schema: the transactional outbox (what
 * the relay publishes) and the inbox (what the consumers have already handled). Meant for a
 * service's TypeORM migration: `for (const sql of outboxAndInboxDdl('inventory_service')) await queryRunner.query(sql)`.
 */

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks that `schema` is a plain lowercase SQL identifier, so it can be spliced into statements
 * unquoted (the way every service's migrations already name their schema).
 * @returns the schema name, for chaining
 */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}: use [a-z_][a-z0-9_]*`);
  return schema;
}

/** `CREATE TABLE <schema>.outbox` with its indexes. */
export function outboxDdl(schema: string): string[] {
  const s = assertSchemaName(schema);
  return [
    `CREATE TABLE ${s}.outbox (
      id              bigserial PRIMARY KEY,
      message_id      uuid NOT NULL CONSTRAINT outbox_message_id_key UNIQUE,
      exchange        text NOT NULL,
      routing_key     text NOT NULL,
      aggregate_id    text NOT NULL,
      payload         jsonb NOT NULL,
      headers         jsonb NOT NULL DEFAULT '{}',
      created_at      timestamptz NOT NULL DEFAULT now(),
      published_at    timestamptz NULL,
      attempts        int NOT NULL DEFAULT 0,
      last_error      text NULL,
      next_attempt_at timestamptz NOT NULL DEFAULT now()
    )`,
    // The relay scans only what is unpublished, in id order: the index stays small.
    `CREATE INDEX outbox_unpublished_idx ON ${s}.outbox (id) WHERE published_at IS NULL`,
    ...outboxSupportIndexes(s, ''),
  ];
}

/**
 * Brings an outbox created before the relay existed (order-service's first migration: no
 * `attempts`, `last_error`, `next_attempt_at`) to the shape {@link outboxDdl} creates. Safe to
 * run on a table that already has them.
 */
export function outboxUpgradeDdl(schema: string): string[] {
  const s = assertSchemaName(schema);
  return [
    `ALTER TABLE ${s}.outbox
      ADD COLUMN IF NOT EXISTS attempts int NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS last_error text NULL,
      ADD COLUMN IF NOT EXISTS next_attempt_at timestamptz NOT NULL DEFAULT now()`,
    `CREATE INDEX IF NOT EXISTS outbox_unpublished_idx ON ${s}.outbox (id) WHERE published_at IS NULL`,
    ...outboxSupportIndexes(s, 'IF NOT EXISTS '),
  ];
}

/** Reverts {@link outboxUpgradeDdl} (for the migration's `down`). */
export function outboxDowngradeDdl(schema: string): string[] {
  const s = assertSchemaName(schema);
  return [
    `DROP INDEX IF EXISTS ${s}.outbox_unpublished_aggregate_idx`,
    `DROP INDEX IF EXISTS ${s}.outbox_published_at_idx`,
    `ALTER TABLE ${s}.outbox DROP COLUMN IF EXISTS attempts, DROP COLUMN IF EXISTS last_error, DROP COLUMN IF EXISTS next_attempt_at`,
  ];
}

/** `CREATE TABLE <schema>.inbox`: one row per (consumer, message id) handled. */
export function inboxDdl(schema: string): string[] {
  const s = assertSchemaName(schema);
  return [
    `CREATE TABLE ${s}.inbox (
      consumer    text NOT NULL,
      message_id  text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, message_id)
    )`,
    // For purging old entries; a message is never redelivered days later.
    `CREATE INDEX inbox_received_at_idx ON ${s}.inbox (received_at)`,
  ];
}

/**
 * `CREATE TABLE <schema>.deferred_deliveries`: what the in-process transport (the zero-install
 * mode) must not keep in memory: deliveries waiting for a retry, and dead letters. RabbitMQ keeps
 * these in its retry and dead-letter queues; without it, this table does, so a crash or restart
 * loses neither. A retry row is claimed by a lease (`due_at` pushed forward), handled, then deleted.
 */
export function deferredDeliveriesDdl(schema: string): string[] {
  const s = assertSchemaName(schema);
  return [
    `CREATE TABLE ${s}.deferred_deliveries (
      id           bigserial PRIMARY KEY,
      consumer     text NOT NULL,
      queue        text NOT NULL,
      exchange     text NOT NULL,
      routing_key  text NOT NULL,
      message_id   text NOT NULL,
      headers      jsonb NOT NULL,
      body         text NOT NULL,
      message_time timestamptz NOT NULL,
      state        text NOT NULL CONSTRAINT deferred_deliveries_state_check CHECK (state IN ('retry', 'dead')),
      attempt      int NOT NULL,
      due_at       timestamptz NOT NULL,
      reason       text NULL,
      last_error   text NOT NULL DEFAULT '',
      created_at   timestamptz NOT NULL DEFAULT now(),
      updated_at   timestamptz NOT NULL DEFAULT now(),
      -- A message republished by the relay while its retry is pending does not get a second row.
      CONSTRAINT deferred_deliveries_message_key UNIQUE (consumer, queue, message_id)
    )`,
    `CREATE INDEX deferred_deliveries_due_idx ON ${s}.deferred_deliveries (consumer, due_at) WHERE state = 'retry'`,
  ];
}

/** Drops what {@link deferredDeliveriesDdl} created (for the migration's `down`). */
export function dropDeferredDeliveriesDdl(schema: string): string[] {
  return [`DROP TABLE IF EXISTS ${assertSchemaName(schema)}.deferred_deliveries`];
}

/** Outbox and inbox of a new service schema (the schema itself must exist). */
export function outboxAndInboxDdl(schema: string): string[] {
  return [...outboxDdl(schema), ...inboxDdl(schema)];
}

/** Drops what {@link outboxAndInboxDdl} created (for the migration's `down`). */
export function dropOutboxAndInboxDdl(schema: string): string[] {
  const s = assertSchemaName(schema);
  return [`DROP TABLE IF EXISTS ${s}.inbox`, `DROP TABLE IF EXISTS ${s}.outbox`];
}

function outboxSupportIndexes(s: string, ifNotExists: string): string[] {
  return [
    // "Is there an earlier unpublished row of this aggregate?", asked for every row the relay
    // takes, is an index probe instead of a scan.
    `CREATE INDEX ${ifNotExists}outbox_unpublished_aggregate_idx ON ${s}.outbox (aggregate_id, id) WHERE published_at IS NULL`,
    // purgePublished() deletes by age of publication.
    `CREATE INDEX ${ifNotExists}outbox_published_at_idx ON ${s}.outbox (published_at) WHERE published_at IS NOT NULL`,
  ];
}
