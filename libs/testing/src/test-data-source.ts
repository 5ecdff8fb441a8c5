import { createDataSource, runMigrations, type DataSourceConfig } from '#libs/database';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from './test-database.js';

/** A migrated DataSource on a database of its own. */
export interface TestDataSource {
  readonly dataSource: DataSource;
  /** URL of the test database, e.g. for a Nest module under test. */
  readonly url: string;
  /** Destroys the DataSource and drops the database. */
  close(): Promise<void>;
}

/**
 * For a service's integration specs: a fresh database (see {@link createTestDatabase}) with the
 * service's migrations applied, and an initialised DataSource over it.
 */
export async function createTestDataSource(config: Omit<DataSourceConfig, 'url'>): Promise<TestDataSource> {
  const database = await createTestDatabase();
  const dataSource = createDataSource({ poolSize: 5, ...config, url: database.url });
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
    throw error;
  }
  return {
    dataSource,
    url: database.url,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}
