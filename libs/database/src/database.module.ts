import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource, runMigrations, type DataSourceConfig } from './data-source.factory.js';
import { TransactionRunner } from './transaction-context.js';

/** Options of {@link DatabaseModule.forRoot}: those of `createDataSource`, plus when to migrate. */
export interface DatabaseModuleOptions extends DataSourceConfig {
  /**
   * Apply pending migrations before the DataSource is handed out (zero-install and dev mode).
   * Default false: production runs them once, as a job, not from every replica.
   */
  readonly migrationsRun?: boolean;
}

/**
 * Provides an initialised `DataSource` and a `TransactionRunner` over it (class tokens), and
 * closes the pool on application shutdown. Not global: each service module imports its own, so
 * services sharing a process (all-in-one mode) each keep their own schema and pool.
 */
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => {
            const dataSource = await createDataSource(options).initialize();
            if (options.migrationsRun) await runMigrations(dataSource).catch(destroyAndRethrow(dataSource));
            return dataSource;
          },
        },
        { provide: TransactionRunner, useFactory: (dataSource: DataSource) => new TransactionRunner(dataSource), inject: [DataSource] },
      ],
      exports: [DataSource, TransactionRunner],
    };
  }

  /** Runs after in-flight work was drained in `beforeApplicationShutdown` hooks: the pool goes last. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

function destroyAndRethrow(dataSource: DataSource): (error: unknown) => Promise<never> {
  return async (error) => {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  };
}
