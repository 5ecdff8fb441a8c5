import { createDataSource, runMigrations } from '#libs/database';
import {
  INVENTORY_ENTITIES,
  INVENTORY_MIGRATIONS,
  INVENTORY_SCHEMA,
} from '../apps/inventory-service/src/adapters/out/persistence/inventory-service.persistence.js';
import {
  NOTIFICATION_ENTITIES,
  NOTIFICATION_MIGRATIONS,
  NOTIFICATION_SCHEMA,
} from '../apps/notification-service/src/adapters/out/persistence/notification-service.persistence.js';
import {
  ORDER_ENTITIES,
  ORDER_MIGRATIONS,
  ORDER_SCHEMA,
} from '../apps/order-service/src/adapters/out/persistence/order-service.persistence.js';
import { PAYMENT_SCHEMA } from '../apps/payment-service/src/adapters/out/persistence/payment-schema.js';
import {
  PAYMENT_ENTITIES,
  PAYMENT_MIGRATIONS,
} from '../apps/payment-service/src/adapters/out/persistence/payment-service.persistence.js';

/**
 * `npm run migrate`: applies every service's pending migrations to DATABASE_URL, once (run it as a
 * job before the services start; each service owns its schema).
 */
const services = [
  { name: 'order-service', schema: ORDER_SCHEMA, entities: ORDER_ENTITIES, migrations: ORDER_MIGRATIONS },
  { name: 'inventory-service', schema: INVENTORY_SCHEMA, entities: INVENTORY_ENTITIES, migrations: INVENTORY_MIGRATIONS },
  { name: 'payment-service', schema: PAYMENT_SCHEMA, entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS },
  { name: 'notification-service', schema: NOTIFICATION_SCHEMA, entities: NOTIFICATION_ENTITIES, migrations: NOTIFICATION_MIGRATIONS },
];

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must be set');
  for (const service of services) {
    const dataSource = createDataSource({ url, schema: service.schema, entities: service.entities, migrations: service.migrations, poolSize: 2 });
    await dataSource.initialize();
    try {
      const applied = await runMigrations(dataSource);
      console.log(`${service.name}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema is current'}`);
    } finally {
      await dataSource.destroy();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
