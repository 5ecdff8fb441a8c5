import { Module, type DynamicModule } from '@nestjs/common';
import { EdgeModule, startHybridApp, type RunningApp } from '#libs/edge';
import type { ObservabilityLoggerOptions } from '#libs/observability';
import type { InventoryServiceConfig } from './inventory-service.config.js';
import {
  INVENTORY_ERROR_CODES,
  INVENTORY_GRPC_SERVICE,
  INVENTORY_PROTO_FILE,
  InventoryModule,
  type InventoryTopologyNames,
} from './inventory.module.js';

export interface InventoryServiceStartOptions {
  /** Apply migrations and load the demo catalog (zero-install and tests). */
  readonly selfProvision?: boolean;
  readonly logging?: Omit<ObservabilityLoggerOptions, 'service'>;
  /** Let Nest close the app on SIGTERM/SIGINT (default); off when the caller handles signals. */
  readonly shutdownHooks?: boolean;
  /** Exchange and queue names other than the standard ones; tests isolate themselves with unique ones. */
  readonly topology?: InventoryTopologyNames;
}

@Module({})
class InventoryServiceAppModule {}

/** inventory-service as its own process: the edge plus the inventory bounded context. */
export function inventoryServiceAppModule(config: InventoryServiceConfig, options: InventoryServiceStartOptions = {}): DynamicModule {
  return {
    module: InventoryServiceAppModule,
    imports: [
      EdgeModule.forRoot({
        service: 'inventory-service',
        grpcServiceNames: [INVENTORY_GRPC_SERVICE],
        errorCodes: [INVENTORY_ERROR_CODES],
        logging: options.logging,
        security: config.edge,
      }),
      InventoryModule.forRoot({
        databaseUrl: config.databaseUrl,
        selfProvision: options.selfProvision,
        amqpUrl: config.amqpUrl,
        topology: options.topology,
      }),
    ],
  };
}

/**
 * Starts inventory-service: REST on `config.httpPort`, gRPC `oms.v1.InventoryService` on
 * `config.grpcPort`, and its command consumer on RabbitMQ (`config.amqpUrl`) or, without one,
 * on the in-process broker.
 */
export function startInventoryService(config: InventoryServiceConfig, options: InventoryServiceStartOptions = {}): Promise<RunningApp> {
  // startHybridApp also connects and starts the message consumer of every MessagingModule hosted.
  return startHybridApp(inventoryServiceAppModule(config, options), {
    host: config.host,
    httpPort: config.httpPort,
    grpcPort: config.grpcPort,
    protoFiles: [INVENTORY_PROTO_FILE],
    shutdownHooks: options.shutdownHooks,
    security: config.edge,
  });
}
