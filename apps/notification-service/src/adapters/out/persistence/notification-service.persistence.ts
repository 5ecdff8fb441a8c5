import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '#libs/database';
import { ContactRepository } from '../../../application/ports/contact.repository.port.js';
import { NotificationRepository } from '../../../application/ports/notification.repository.port.js';
import { ProcessedEvents } from '../../../application/ports/processed-events.port.js';
import { TrackedOrders } from '../../../application/ports/tracked-orders.port.js';
import { UnitOfWork } from '../../../application/ports/unit-of-work.port.js';
import { CustomerContactOrmEntity } from './customer-contact.orm-entity.js';
import { InitialSchema1795500000000 } from './migrations/1795500000000-initial-schema.migration.js';
import { NOTIFICATION_SCHEMA } from './notification-schema.js';
import { NotificationOrmEntity } from './notification.orm-entity.js';
import { TrackedOrderOrmEntity } from './tracked-order.orm-entity.js';
import { TypeOrmContactRepository } from './typeorm-contact.repository.js';
import { TypeOrmNotificationRepository } from './typeorm-notification.repository.js';
import { TypeOrmProcessedEvents } from './typeorm-processed-events.js';
import { TypeOrmTrackedOrders } from './typeorm-tracked-orders.js';
import { TypeOrmUnitOfWork } from './typeorm.unit-of-work.js';

export { NOTIFICATION_SCHEMA };

/** Every TypeORM entity of notification-service (outbox, inbox, processed events and idempotency keys are written in SQL). */
export const NOTIFICATION_ENTITIES = [NotificationOrmEntity, CustomerContactOrmEntity, TrackedOrderOrmEntity];

/** notification-service's migrations, oldest first. */
export const NOTIFICATION_MIGRATIONS = [InitialSchema1795500000000];

/** Options of {@link NotificationPersistenceModule.forRoot}. */
export interface NotificationPersistenceOptions {
  readonly url: string;
  readonly poolSize?: number;
  /** Apply pending migrations at start (zero-install and dev mode); default false. */
  readonly migrationsRun?: boolean;
}

/**
 * notification-service's persistence: binds the repositories and the unit of work to PostgreSQL
 * and re-exports the `DataSource` and `TransactionRunner` of its own pool and schema.
 */
@Module({})
export class NotificationPersistenceModule {
  static forRoot(options: NotificationPersistenceOptions): DynamicModule {
    return {
      module: NotificationPersistenceModule,
      imports: [
        DatabaseModule.forRoot({
          url: options.url,
          schema: NOTIFICATION_SCHEMA,
          entities: NOTIFICATION_ENTITIES,
          migrations: NOTIFICATION_MIGRATIONS,
          poolSize: options.poolSize,
          migrationsRun: options.migrationsRun,
          applicationName: 'oms:notification-service',
        }),
      ],
      providers: [
        { provide: NotificationRepository, useClass: TypeOrmNotificationRepository },
        { provide: ContactRepository, useClass: TypeOrmContactRepository },
        { provide: TrackedOrders, useClass: TypeOrmTrackedOrders },
        { provide: ProcessedEvents, useClass: TypeOrmProcessedEvents },
        { provide: UnitOfWork, useClass: TypeOrmUnitOfWork },
      ],
      exports: [NotificationRepository, ContactRepository, TrackedOrders, ProcessedEvents, UnitOfWork, DatabaseModule],
    };
  }
}
