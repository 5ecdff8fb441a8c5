import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource, pendingMigrations, runMigrations, type DataSourceConfig } from './data-source.factory.js';
import { TransactionRunner } from './transaction-context.js';

/** Options of {@link DatabaseModule.forRoot}: those of `createDataSource`, plus when to migrate. */
export interface DatabaseModuleOptions extends DataSourceConfig {
  /**
   * Apply pending migrations before the DataSource is handed out (zero-install and dev mode).
   * Default false: production runs them once, as a job, not from every replica, and the module
   * refuses to start ({@link SchemaNotCurrentError}) while any migration it knows is pending.
   */
  readonly migrationsRun?: boolean;
}

/** The service's schema lacks migrations this build needs: run `npm run migrate` (the migration Job) first. */
export class SchemaNotCurrentError extends Error {
  constructor(
    readonly schema: string,
    readonly pending: readonly string[],
  ) {
    super(
      `schema ${schema} is not current: ${pending.length} migration(s) pending (${pending.join(', ')}). ` +
        'Run `npm run migrate` (in Kubernetes, the oms-migrate Job) before starting this version, or set OMS_AUTO_MIGRATE=true to apply them at start.',
    );
    this.name = 'SchemaNotCurrentError';
  }
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
            else await assertSchemaCurrent(dataSource, options).catch(destroyAndRethrow(dataSource));
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

/**
 * Applied migrations the code does not know are fine (a newer release migrated first, as rolling
 * deploys do); known ones that are not applied are not.
 */
async function assertSchemaCurrent(dataSource: DataSource, options: DataSourceConfig): Promise<void> {
  const table = `"${options.schema}"."${options.migrationsTableName ?? 'migrations'}"`;
  const [{ migrated }] = (await dataSource.query('SELECT to_regclass($1) IS NOT NULL AS migrated', [table])) as [{ migrated: boolean }];
  // Never migrated: asking TypeORM would try to create its table (in a schema that may not exist).
  const pending = migrated ? await pendingMigrations(dataSource) : dataSource.migrations.map((m) => m.name ?? m.constructor.name);
  if (pending.length > 0) throw new SchemaNotCurrentError(options.schema, pending);
}

function destroyAndRethrow(dataSource: DataSource): (error: unknown) => Promise<never> {
  return async (error) => {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  };
}
