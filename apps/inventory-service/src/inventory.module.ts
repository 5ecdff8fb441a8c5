import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { protoFiles } from '#libs/contracts';
import { TransactionRunner } from '#libs/database';
import { ReadinessRegistry } from '#libs/health';
import { IdempotencyJanitor, IdempotencyStore, IdempotentCommandBus } from '#libs/idempotency';
import { MessagingModule, type MessagingQueue } from '#libs/messaging';
import { DataSource } from 'typeorm';
import { INVENTORY_CONSUMER, InventoryCommandsAmqpConsumer } from './adapters/in/amqp/inventory-commands.amqp-consumer.js';
import { InventoryGrpcController } from './adapters/in/grpc/inventory.grpc.controller.js';
import { INVENTORY_ERROR_CODES } from './adapters/in/inventory-error-codes.js';
import { InventoryApi } from './adapters/in/inventory.api.js';
import { ProductsHttpController } from './adapters/in/rest/products.http.controller.js';
import { LegacyInventoryHttpController } from './adapters/in/rest/legacy/legacy-inventory.http.controller.js';
import { InventoryTopology, type InventoryTopologyNames } from './adapters/out/messaging/inventory-topology.js';
import { OutboxInventoryMessages } from './adapters/out/messaging/outbox-inventory.messages.js';
import { INVENTORY_SCHEMA, InventoryPersistenceModule } from './adapters/out/persistence/inventory-service.persistence.js';
import { SystemClock } from './adapters/out/system/system.clock.js';
import { CommitStockHandler } from './application/commands/commit-stock/commit-stock.handler.js';
import { ReleaseStockHandler } from './application/commands/release-stock/release-stock.handler.js';
import { ReserveStockHandler } from './application/commands/reserve-stock/reserve-stock.handler.js';
import { RestockStockHandler } from './application/commands/restock-stock/restock-stock.handler.js';
import { UpsertProductHandler } from './application/commands/upsert-product/upsert-product.handler.js';
import { Clock } from './application/ports/clock.port.js';
import { InventoryMessages } from './application/ports/inventory-messages.port.js';
import { BatchGetProductsHandler } from './application/queries/batch-get-products/batch-get-products.handler.js';
import { GetProductHandler } from './application/queries/get-product/get-product.handler.js';

/** gRPC service name inventory-service serves (also its grpc.health.v1 name). */
export const INVENTORY_GRPC_SERVICE = 'oms.v1.InventoryService';
/** Proto file of that service, relative to proto/ (for `startHybridApp({ protoFiles })`). */
export const INVENTORY_PROTO_FILE = protoFiles.inventory;
export { INVENTORY_CONSUMER, INVENTORY_ERROR_CODES, INVENTORY_SCHEMA, InventoryTopology, type InventoryTopologyNames };

/** The queue inventory-service consumes the saga's commands from (docs/messaging.md). */
export const INVENTORY_COMMANDS_QUEUE = new InventoryTopology().commandsQueue;

/** inventory-service's queues: its commands, bound to the commands exchange by `inventory.*`. */
export function inventoryQueues(topology: InventoryTopologyNames = {}): MessagingQueue[] {
  const t = new InventoryTopology(topology);
  return [{ name: t.commandsQueue, bindings: [{ exchange: t.commandsExchange, pattern: 'inventory.*' }] }];
}

/** The queues of a default deployment, for a host that declares topology or counts dead letters. */
export const INVENTORY_QUEUES: readonly MessagingQueue[] = Object.freeze(inventoryQueues());

export interface InventoryModuleOptions {
  readonly databaseUrl: string;
  /** Apply migrations and load the demo catalog at start (the zero-install mode and tests). */
  readonly selfProvision?: boolean;
  /** RabbitMQ URL; unset: the process's in-process broker (the all-in-one mode). */
  readonly amqpUrl?: string;
  /** Exchange and queue names other than docs/messaging.md's; for tests that must stay isolated. */
  readonly topology?: InventoryTopologyNames;
}

const commandHandlers = [ReserveStockHandler, ReleaseStockHandler, CommitStockHandler, RestockStockHandler, UpsertProductHandler];
const queryHandlers = [GetProductHandler, BatchGetProductsHandler];

/**
 * inventory-service's composition root: binds the application's ports to their adapters. Hosted
 * by its own process (inventory-service.app.ts) or next to the other services in the all-in-one
 * process; either way it brings its own pool, schema, idempotency store and outbox.
 */
@Module({})
export class InventoryModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.readiness.addDataSource('inventory-service database', this.dataSource);
  }

  static forRoot(options: InventoryModuleOptions): DynamicModule {
    const topology = new InventoryTopology(options.topology);
    const persistence = InventoryPersistenceModule.forRoot({
      url: options.databaseUrl,
      migrationsRun: options.selfProvision,
      seedDemoCatalog: options.selfProvision,
    });
    return {
      module: InventoryModule,
      imports: [
        CqrsModule.forRoot(),
        persistence,
        // Outbox writer and relay over this service's own pool and schema; its consumer transport
        // is connected by the host (connectMessagingTransports), one per service module.
        MessagingModule.forRoot({
          mode: options.amqpUrl ? 'amqp' : 'in-process',
          url: options.amqpUrl,
          consumer: INVENTORY_CONSUMER,
          schema: INVENTORY_SCHEMA,
          imports: [persistence],
          exchanges: topology.exchanges,
          queues: inventoryQueues(topology),
        }),
      ],
      controllers: [ProductsHttpController, LegacyInventoryHttpController, InventoryGrpcController, InventoryCommandsAmqpConsumer],
      providers: [
        ...commandHandlers,
        ...queryHandlers,
        InventoryApi,
        IdempotentCommandBus,
        IdempotencyJanitor,
        {
          provide: IdempotencyStore,
          inject: [TransactionRunner],
          useFactory: (tx: TransactionRunner) =>
            new IdempotencyStore(tx, {
              schema: INVENTORY_SCHEMA,
              retentionHours: 24,
              waitMs: 10_000,
              transientCodes: ['CONCURRENT_MODIFICATION'],
            }),
        },
        { provide: InventoryTopology, useValue: topology },
        { provide: InventoryMessages, useClass: OutboxInventoryMessages },
        { provide: Clock, useClass: SystemClock },
      ],
    };
  }
}
