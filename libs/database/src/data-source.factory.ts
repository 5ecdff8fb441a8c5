import { DataSource, MigrationExecutor, type EntitySchema, type MigrationInterface } from 'typeorm';
import { PreparedStatementsClient, preparedStatementsFromEnv } from './prepared-statements.js';

/** An entity or migration class. */
export type ClassType<T = object> = new (...args: never[]) => T;

/** Options of {@link createDataSource}. */
export interface DataSourceConfig {
  /** `postgres://user:password@host:port/database` */
  readonly url: string;
  /** The service's own schema: default schema of its entities and home of its migrations table. */
  readonly schema: string;
  readonly entities: readonly (ClassType | EntitySchema)[];
  readonly migrations: readonly ClassType<MigrationInterface>[];
  /** Defaults to `migrations` (inside `schema`). */
  readonly migrationsTableName?: string;
  /** Defaults to 10. */
  readonly poolSize?: number;
  /** Shown in `pg_stat_activity`; defaults to `oms:<schema>`. */
  readonly applicationName?: string;
  /** Named prepared statements ({@link PreparedStatementsClient}); defaults to `OMS_PG_PREPARED_STATEMENTS` (on). */
  readonly preparedStatements?: boolean;
}

/**
 * A PostgreSQL DataSource (not yet initialised). The schema is never synchronised and migrations
 * never run implicitly: they are run on purpose with {@link runMigrations}. int8 columns come
 * back as strings; mappers turn them into bigint.
 */
export function createDataSource(config: DataSourceConfig): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.url,
    schema: config.schema,
    entities: [...config.entities],
    migrations: [...config.migrations],
    migrationsTableName: config.migrationsTableName ?? 'migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    migrationsRun: false,
    poolSize: config.poolSize ?? 10,
    applicationName: config.applicationName ?? `oms:${config.schema}`,
    logging: false,
    ...((config.preparedStatements ?? preparedStatementsFromEnv()) && { extra: { Client: PreparedStatementsClient } }),
  });
}

/**
 * Runs the pending migrations, all in one transaction, and returns their names. Concurrent
 * callers on the same schema are serialised by an advisory lock (TypeORM takes none). The lock
 * holds a connection of its own while the migrations use another: the pool needs at least two.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const schema = schemaOf(dataSource);
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`oms-migrations:${schema}`]);
    // TypeORM creates its migrations table in the schema before the first migration can.
    await lock.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    return applied.map((migration) => migration.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`oms-migrations:${schema}`]).catch(() => undefined);
    await lock.release();
  }
}

/** Names of the migrations known to the DataSource but not applied to its database. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}

function schemaOf(dataSource: DataSource): string {
  const schema = (dataSource.options as { schema?: string }).schema;
  if (!schema) throw new Error('the DataSource has no schema; create it with createDataSource()');
  return schema;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
