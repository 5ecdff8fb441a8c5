import { Module, type DynamicModule } from '@nestjs/common';
import { EdgeModule, startHybridApp, type RunningApp } from '#libs/edge';
import type { ObservabilityLoggerOptions } from '#libs/observability';
import type { NotificationServiceConfig } from './notification-service.config.js';
import {
  NOTIFICATION_ERROR_CODES,
  NOTIFICATION_GRPC_SERVICE,
  NOTIFICATION_PROTO_FILE,
  NotificationModule,
  notificationModuleOptions,
  type NotificationModuleOptions,
} from './notification.module.js';

export interface NotificationServiceStartOptions {
  /** Apply migrations at start (zero-install and tests). */
  readonly selfProvision?: boolean;
  readonly logging?: Omit<ObservabilityLoggerOptions, 'service'>;
  /** Let Nest close the app on SIGTERM/SIGINT (default); off when the caller handles signals. */
  readonly shutdownHooks?: boolean;
  /** Tests: other topology names or message retry delays. */
  readonly tuning?: Pick<NotificationModuleOptions, 'topology' | 'messageRetryDelaysMs'>;
}

@Module({})
class NotificationServiceAppModule {}

/** notification-service as its own process: the edge plus the notification bounded context. */
export function notificationServiceAppModule(config: NotificationServiceConfig, options: NotificationServiceStartOptions = {}): DynamicModule {
  return {
    module: NotificationServiceAppModule,
    imports: [
      EdgeModule.forRoot({
        service: 'notification-service',
        grpcServiceNames: [NOTIFICATION_GRPC_SERVICE],
        errorCodes: [NOTIFICATION_ERROR_CODES],
        logging: options.logging,
        security: config.edge,
      }),
      NotificationModule.forRoot({ ...notificationModuleOptions(config, { selfProvision: options.selfProvision }), ...options.tuning }),
    ],
  };
}

/**
 * Starts notification-service: REST (`/api/notification/send`, `/v1/customers/{id}/contact`) on
 * `config.httpPort`, gRPC `oms.v1.NotificationService` on `config.grpcPort`, the consumer of
 * `notification-service.events` (RabbitMQ with `amqpUrl`, else the in-process broker) and the
 * dispatcher.
 */
export function startNotificationService(config: NotificationServiceConfig, options: NotificationServiceStartOptions = {}): Promise<RunningApp> {
  // startHybridApp also connects the message transport of every MessagingModule in the app.
  return startHybridApp(notificationServiceAppModule(config, options), {
    host: config.host,
    httpPort: config.httpPort,
    grpcPort: config.grpcPort,
    protoFiles: [NOTIFICATION_PROTO_FILE],
    shutdownHooks: options.shutdownHooks,
    security: config.edge,
  });
}
