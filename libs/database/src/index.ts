export {
  reachableClusterDir,
  startEmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type EmbeddedPostgresServer,
} from './embedded-postgres.js';
export {
  TransactionRunner,
  type TransactionIsolation,
  type TransactionOptions,
  type TransactionRunnerOptions,
} from './transaction-context.js';
export {
  createDataSource,
  pendingMigrations,
  runMigrations,
  type ClassType,
  type DataSourceConfig,
} from './data-source.factory.js';
export { DatabaseModule, SchemaNotCurrentError, type DatabaseModuleOptions } from './database.module.js';
export { preparedStatementsProblem } from './prepared-statements.js';
export { entityFromRow, type DatabaseRow } from './entity-from-row.js';
