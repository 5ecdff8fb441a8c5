import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { DatabaseModule } from '#libs/database';
import { DataSource } from 'typeorm';
import { Catalog } from '../../../application/ports/catalog.port.js';
import { OrderRepository } from '../../../application/ports/order.repository.port.js';
import { CatalogProductOrmEntity } from './catalog-product.orm-entity.js';
import { seedDemoCatalog } from './demo-catalog.seed.js';
import { InitialSchema1795219200000 } from './migrations/1795219200000-initial-schema.migration.js';
import { OrderSagas1795300000000 } from './migrations/1795300000000-order-sagas.migration.js';
import { DeferredDeliveries1795400000000 } from './migrations/1795400000000-deferred-deliveries.migration.js';
import { SagaPhaseEnteredAt1795500000000 } from './migrations/1795500000000-saga-phase-entered-at.migration.js';
import { OrderOrmEntity } from './order.orm-entity.js';
import { OutboxMessageOrmEntity } from './outbox-message.orm-entity.js';
import { TypeOrmCatalogAdapter } from './typeorm-catalog.adapter.js';
import { TypeOrmOrderRepository } from './typeorm-order.repository.js';

/** The PostgreSQL schema order-service owns. */
export const ORDER_SCHEMA = 'order_service';

/** Every TypeORM entity of order-service. */
export const ORDER_ENTITIES = [OrderOrmEntity, OutboxMessageOrmEntity, CatalogProductOrmEntity];

/** order-service's migrations, oldest first. */
export const ORDER_MIGRATIONS = [InitialSchema1795219200000, OrderSagas1795300000000, DeferredDeliveries1795400000000, SagaPhaseEnteredAt1795500000000];

/** Options of {@link OrderPersistenceModule.forRoot}. */
export interface OrderPersistenceOptions {
  readonly url: string;
  readonly poolSize?: number;
  /** Apply pending migrations at start (zero-install and dev mode); default false. */
  readonly migrationsRun?: boolean;
  /** Load the demo catalog into an empty catalog at start (zero-install mode); default false. */
  readonly seedDemoCatalog?: boolean;
}

const OPTIONS = Symbol('OrderPersistenceOptions');

/**
 * order-service's persistence: binds `OrderRepository` and `Catalog` to their PostgreSQL
 * adapters and re-exports the `DataSource` and `TransactionRunner` of its own pool and schema.
 */
@Module({})
export class OrderPersistenceModule implements OnModuleInit {
  constructor(
    @Inject(OPTIONS) private readonly options: OrderPersistenceOptions,
    private readonly dataSource: DataSource,
  ) {}

  static forRoot(options: OrderPersistenceOptions): DynamicModule {
    return {
      module: OrderPersistenceModule,
      imports: [
        DatabaseModule.forRoot({
          url: options.url,
          schema: ORDER_SCHEMA,
          entities: ORDER_ENTITIES,
          migrations: ORDER_MIGRATIONS,
          poolSize: options.poolSize,
          migrationsRun: options.migrationsRun,
          applicationName: 'oms:order-service',
        }),
      ],
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: OrderRepository, useClass: TypeOrmOrderRepository },
        { provide: Catalog, useClass: TypeOrmCatalogAdapter },
      ],
      exports: [OrderRepository, Catalog, DatabaseModule],
    };
  }

  async onModuleInit(): Promise<void> {
    if (this.options.seedDemoCatalog) await seedDemoCatalog(this.dataSource);
  }
}
