import { Module, type DynamicModule } from '@nestjs/common';
import { protoFiles } from '#libs/contracts';
import { EdgeModule, startHybridApp, type RunningApp } from '#libs/edge';
import type { ObservabilityLoggerOptions } from '#libs/observability';
import { ORDER_ERROR_CODES } from './adapters/in/order-error-codes.js';
import type { OrderServiceConfig } from './order-service.config.js';
import { OrderModule, type OrderModuleOptions } from './order.module.js';

export const ORDER_GRPC_SERVICE = 'oms.v1.OrderService';

export interface OrderServiceStartOptions {
  /** Apply migrations and load the demo catalog (zero-install and tests). */
  readonly selfProvision?: boolean;
  readonly logging?: Omit<ObservabilityLoggerOptions, 'service'>;
  /** Let Nest close the app on SIGTERM/SIGINT (default); off when the caller handles signals. */
  readonly shutdownHooks?: boolean;
  /** Overrides of the order module's settings (tests: short timeouts, unique queues). */
  readonly orderModule?: Partial<OrderModuleOptions>;
}

@Module({})
class OrderServiceAppModule {}

/** order-service as its own process: the edge plus the order bounded context. */
export function orderServiceAppModule(config: OrderServiceConfig, options: OrderServiceStartOptions = {}): DynamicModule {
  return {
    module: OrderServiceAppModule,
    imports: [
      EdgeModule.forRoot({
        service: 'order-service',
        grpcServiceNames: [ORDER_GRPC_SERVICE],
        errorCodes: [ORDER_ERROR_CODES],
        logging: options.logging,
        security: config.edge,
      }),
      OrderModule.forRoot(orderModuleOptions(config, options)),
    ],
  };
}

/** The order bounded context's settings from the service configuration (also used by all-in-one). */
export function orderModuleOptions(config: OrderServiceConfig, options: OrderServiceStartOptions = {}): OrderModuleOptions {
  return {
    databaseUrl: config.databaseUrl,
    pageTokenSecret: config.pageTokenSecret,
    selfProvision: options.selfProvision,
    amqpUrl: config.amqpUrl,
    paymentAddress: config.paymentAddress,
    serviceToken: config.serviceToken,
    jwtSecret: config.jwtSecret,
    outcomeWaitMs: config.outcomeWaitMs,
    paymentTimeoutMs: config.paymentTimeoutMs,
    signingSecret: config.signingSecret,
    ...options.orderModule,
  };
}

export function startOrderService(config: OrderServiceConfig, options: OrderServiceStartOptions = {}): Promise<RunningApp> {
  return startHybridApp(orderServiceAppModule(config, options), {
    host: config.host,
    httpPort: config.httpPort,
    grpcPort: config.grpcPort,
    protoFiles: [protoFiles.order],
    shutdownHooks: options.shutdownHooks,
    security: config.edge,
  });
}
