import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '#libs/database';
import { GatewayCallbackInbox } from '../../../application/ports/gateway-callback.inbox.port.js';
import { PaymentRepository } from '../../../application/ports/payment.repository.port.js';
import { UnitOfWork } from '../../../application/ports/unit-of-work.port.js';
import { GatewayCallbackInboxOrmEntity } from './gateway-callback-inbox.orm-entity.js';
import { InitialSchema1795305600000 } from './migrations/1795305600000-initial-schema.migration.js';
import { DeferredDeliveries1795400000000 } from './migrations/1795400000000-deferred-deliveries.migration.js';
import { PAYMENT_SCHEMA } from './payment-schema.js';
import { PaymentOrmEntity } from './payment.orm-entity.js';
import { TypeOrmGatewayCallbackInbox } from './typeorm-gateway-callback.inbox.js';
import { TypeOrmPaymentRepository } from './typeorm-payment.repository.js';
import { TypeOrmUnitOfWork } from './typeorm.unit-of-work.js';

export { PAYMENT_SCHEMA };

/** Every TypeORM entity of payment-service. */
export const PAYMENT_ENTITIES = [PaymentOrmEntity, GatewayCallbackInboxOrmEntity];

/** payment-service's migrations, oldest first. */
export const PAYMENT_MIGRATIONS = [InitialSchema1795305600000, DeferredDeliveries1795400000000];

/** Options of {@link PaymentPersistenceModule.forRoot}. */
export interface PaymentPersistenceOptions {
  readonly url: string;
  readonly poolSize?: number;
  /** Apply pending migrations at start (zero-install and dev mode); default false. */
  readonly migrationsRun?: boolean;
}

/**
 * payment-service's persistence: binds the repository, the callback inbox and the unit of work to
 * PostgreSQL and re-exports the `DataSource` and `TransactionRunner` of its own pool and schema.
 */
@Module({})
export class PaymentPersistenceModule {
  static forRoot(options: PaymentPersistenceOptions): DynamicModule {
    return {
      module: PaymentPersistenceModule,
      imports: [
        DatabaseModule.forRoot({
          url: options.url,
          schema: PAYMENT_SCHEMA,
          entities: PAYMENT_ENTITIES,
          migrations: PAYMENT_MIGRATIONS,
          poolSize: options.poolSize,
          migrationsRun: options.migrationsRun,
          applicationName: 'oms:payment-service',
        }),
      ],
      providers: [
        { provide: PaymentRepository, useClass: TypeOrmPaymentRepository },
        { provide: GatewayCallbackInbox, useClass: TypeOrmGatewayCallbackInbox },
        { provide: UnitOfWork, useClass: TypeOrmUnitOfWork },
      ],
      exports: [PaymentRepository, GatewayCallbackInbox, UnitOfWork, DatabaseModule],
    };
  }
}
