import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { DatabaseModule } from '#libs/database';
import { DataSource } from 'typeorm';
import { ProductRepository } from '../../../application/ports/product.repository.port.js';
import { ReservationRepository } from '../../../application/ports/reservation.repository.port.js';
import { UnitOfWork } from '../../../application/ports/unit-of-work.port.js';
import { seedDemoCatalog } from './demo-catalog.seed.js';
import { InitialSchema1795305600000 } from './migrations/1795305600000-initial-schema.migration.js';
import { DeferredDeliveries1795400000000 } from './migrations/1795400000000-deferred-deliveries.migration.js';
import { ProductOrmEntity } from './product.orm-entity.js';
import { ReservationOrmEntity } from './reservation.orm-entity.js';
import { TypeOrmProductRepository } from './typeorm-product.repository.js';
import { TypeOrmReservationRepository } from './typeorm-reservation.repository.js';
import { TypeOrmUnitOfWork } from './typeorm-unit-of-work.js';

/** The PostgreSQL schema inventory-service owns. */
export const INVENTORY_SCHEMA = 'inventory_service';

/** Every TypeORM entity of inventory-service (outbox, inbox and idempotency keys are written in SQL by their libs). */
export const INVENTORY_ENTITIES = [ProductOrmEntity, ReservationOrmEntity];

/** inventory-service's migrations, oldest first. */
export const INVENTORY_MIGRATIONS = [InitialSchema1795305600000, DeferredDeliveries1795400000000];

/** Options of {@link InventoryPersistenceModule.forRoot}. */
export interface InventoryPersistenceOptions {
  readonly url: string;
  readonly poolSize?: number;
  /** Apply pending migrations at start (zero-install and dev mode); default false. */
  readonly migrationsRun?: boolean;
  /** Load the demo catalog into an empty catalog at start (zero-install mode); default false. */
  readonly seedDemoCatalog?: boolean;
}

const OPTIONS = Symbol('InventoryPersistenceOptions');

/**
 * inventory-service's persistence: binds `ProductRepository`, `ReservationRepository` and
 * `UnitOfWork` to PostgreSQL and re-exports the `DataSource` and `TransactionRunner` of its own
 * pool and schema.
 */
@Module({})
export class InventoryPersistenceModule implements OnModuleInit {
  constructor(
    @Inject(OPTIONS) private readonly options: InventoryPersistenceOptions,
    private readonly dataSource: DataSource,
  ) {}

  static forRoot(options: InventoryPersistenceOptions): DynamicModule {
    return {
      module: InventoryPersistenceModule,
      imports: [
        DatabaseModule.forRoot({
          url: options.url,
          schema: INVENTORY_SCHEMA,
          entities: INVENTORY_ENTITIES,
          migrations: INVENTORY_MIGRATIONS,
          poolSize: options.poolSize,
          migrationsRun: options.migrationsRun,
          applicationName: 'oms:inventory-service',
        }),
      ],
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: ProductRepository, useClass: TypeOrmProductRepository },
        { provide: ReservationRepository, useClass: TypeOrmReservationRepository },
        { provide: UnitOfWork, useClass: TypeOrmUnitOfWork },
      ],
      exports: [ProductRepository, ReservationRepository, UnitOfWork, DatabaseModule],
    };
  }

  async onModuleInit(): Promise<void> {
    if (this.options.seedDemoCatalog) await seedDemoCatalog(this.dataSource);
  }
}
