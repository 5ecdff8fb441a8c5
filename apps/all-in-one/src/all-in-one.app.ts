import { Module, type DynamicModule } from '@nestjs/common';
import { EdgeModule, startHybridApp, type RunningApp } from '#libs/edge';
import type { ObservabilityLoggerOptions } from '#libs/observability';
import { loadInventoryServiceConfig } from '../../inventory-service/src/inventory-service.config.js';
import {
  INVENTORY_ERROR_CODES,
  INVENTORY_GRPC_SERVICE,
  INVENTORY_PROTO_FILE,
  InventoryModule,
} from '../../inventory-service/src/inventory.module.js';
import { loadNotificationServiceConfig } from '../../notification-service/src/notification-service.config.js';
import {
  NOTIFICATION_ERROR_CODES,
  NOTIFICATION_GRPC_SERVICE,
  NOTIFICATION_PROTO_FILE,
  NotificationModule,
  notificationModuleOptions,
  type NotificationModuleOptions,
} from '../../notification-service/src/notification.module.js';
import { ORDER_ERROR_CODES } from '../../order-service/src/adapters/in/order-error-codes.js';
import { loadOrderServiceConfig } from '../../order-service/src/order-service.config.js';
import { ORDER_GRPC_SERVICE, orderModuleOptions } from '../../order-service/src/order-service.app.js';
import { OrderModule, type OrderModuleOptions } from '../../order-service/src/order.module.js';
import { paymentModuleOptions } from '../../payment-service/src/payment-service.app.js';
import { loadPaymentServiceConfig } from '../../payment-service/src/payment-service.config.js';
import {
  PAYMENT_ERROR_CODES,
  PAYMENT_GRPC_SERVICE,
  PAYMENT_PROTO_FILE,
  PaymentModule,
} from '../../payment-service/src/payment.module.js';
import { protoFiles } from '#libs/contracts';

type Env = Readonly<Record<string, string | undefined>>;

export interface AllInOneOptions {
  readonly env: Env;
  /** The database every service's schema lives in (the embedded one, or DATABASE_URL). */
  readonly databaseUrl: string;
  readonly selfProvision?: boolean;
  readonly shutdownHooks?: boolean;
  readonly logging?: Omit<ObservabilityLoggerOptions, 'service'>;
  /** Overrides for tests (short timeouts). */
  readonly order?: Partial<OrderModuleOptions>;
  /** Overrides for tests (topology, message retry delays). */
  readonly notification?: Partial<NotificationModuleOptions>;
}

@Module({})
class AllInOneAppModule {}

/**
 * Every bounded context in one process, on one REST and one gRPC port (CONTRACT section 7), each
 * with its own schema, pool, outbox and inbox, talking over the in-process broker (or RabbitMQ
 * when AMQP_URL is set). order-service reaches payment-service's Hold over this process's own gRPC
 * port, exactly as it does across processes.
 */
export async function startAllInOne(options: AllInOneOptions): Promise<RunningApp> {
  const { env, databaseUrl } = options;
  const order = loadOrderServiceConfig(env, { databaseUrl });
  const local = (port: number): string => `127.0.0.1:${port}`;
  const inventory = loadInventoryServiceConfig(env, { databaseUrl, httpPort: order.httpPort, grpcPort: order.grpcPort });
  const payment = loadPaymentServiceConfig(env, {
    databaseUrl,
    httpPort: order.httpPort,
    grpcPort: order.grpcPort,
    ...(!env.OMS_GATEWAY_CALLBACK_URL && { gatewayCallbackBaseUrl: `http://${local(order.httpPort)}` }),
  });
  const notification = loadNotificationServiceConfig(env, { databaseUrl, httpPort: order.httpPort, grpcPort: order.grpcPort });
  const module: DynamicModule = {
    module: AllInOneAppModule,
    imports: [
      EdgeModule.forRoot({
        service: 'oms',
        grpcServiceNames: [ORDER_GRPC_SERVICE, INVENTORY_GRPC_SERVICE, PAYMENT_GRPC_SERVICE, NOTIFICATION_GRPC_SERVICE],
        errorCodes: [ORDER_ERROR_CODES, INVENTORY_ERROR_CODES, PAYMENT_ERROR_CODES, NOTIFICATION_ERROR_CODES],
        logging: options.logging,
        security: order.edge,
      }),
      OrderModule.forRoot({
        ...orderModuleOptions(order, { selfProvision: options.selfProvision }),
        paymentAddress: env.OMS_PAYMENT_GRPC_ADDRESS || local(order.grpcPort),
        ...options.order,
      }),
      InventoryModule.forRoot({ databaseUrl, selfProvision: options.selfProvision, amqpUrl: inventory.amqpUrl }),
      PaymentModule.forRoot(paymentModuleOptions(payment, { selfProvision: options.selfProvision })),
      NotificationModule.forRoot({ ...notificationModuleOptions(notification, { selfProvision: options.selfProvision }), ...options.notification }),
    ],
  };
  return startHybridApp(module, {
    host: order.host,
    httpPort: order.httpPort,
    grpcPort: order.grpcPort,
    protoFiles: [protoFiles.order, INVENTORY_PROTO_FILE, PAYMENT_PROTO_FILE, NOTIFICATION_PROTO_FILE],
    shutdownHooks: options.shutdownHooks,
    security: order.edge,
  });
}
