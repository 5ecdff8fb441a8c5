import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { protoFiles } from '#libs/contracts';
import { TransactionRunner } from '#libs/database';
import { ReadinessRegistry } from '#libs/health';
import { IdempotencyJanitor, IdempotencyStore, IdempotentCommandBus } from '#libs/idempotency';
import { MessagingModule, type MessagingQueue } from '#libs/messaging';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { NOTIFICATION_CONSUMER, OrderEventsAmqpConsumer } from './adapters/in/amqp/order-events.amqp-consumer.js';
import { NotificationGrpcController } from './adapters/in/grpc/notification.grpc.controller.js';
import { NOTIFICATION_ERROR_CODES, TRANSIENT_NOTIFICATION_ERROR_CODES } from './adapters/in/notification-error-codes.js';
import { NotificationApi } from './adapters/in/notification.api.js';
import { CustomerContactsHttpController } from './adapters/in/rest/customer-contacts.http.controller.js';
import { NotificationSendLegacyHttpController } from './adapters/in/rest/legacy/notification-send.legacy.http.controller.js';
import { DispatchSchedulerOptions, NotificationDispatchScheduler } from './adapters/in/scheduler/notification-dispatch.scheduler.js';
import { DeliveryConfig } from './adapters/out/delivery/delivery.config.js';
import { deliveryProviders } from './adapters/out/delivery/delivery.providers.js';
import { NotificationTopology, type NotificationTopologyNames } from './adapters/out/messaging/notification-topology.js';
import { NOTIFICATION_SCHEMA, NotificationPersistenceModule } from './adapters/out/persistence/notification-service.persistence.js';
import { SystemClock } from './adapters/out/system/system.clock.js';
import { UuidV7IdGenerator } from './adapters/out/system/uuid-v7.id-generator.js';
import { NotifyOrderStatusChangeHandler } from './application/commands/notify-order-status-change/notify-order-status-change.handler.js';
import { NotifyPaymentStatusChangeHandler } from './application/commands/notify-payment-status-change/notify-payment-status-change.handler.js';
import { SendNotificationHandler } from './application/commands/send-notification/send-notification.handler.js';
import { SetCustomerContactHandler } from './application/commands/set-customer-contact/set-customer-contact.handler.js';
import { NotificationDispatcher } from './application/dispatch/notification-dispatcher.js';
import { NotificationSettings } from './application/notification-settings.js';
import { OrderNotifier } from './application/order-notifier.js';
import { Clock } from './application/ports/clock.port.js';
import { DispatchNudge } from './application/ports/dispatch-nudge.port.js';
import { IdGenerator } from './application/ports/id-generator.port.js';
import { GetCustomerContactHandler } from './application/queries/get-customer-contact/get-customer-contact.handler.js';
import { RetryPolicy } from './domain/retry-policy.js';
import type { NotificationServiceConfig } from './notification-service.config.js';

/** gRPC service name notification-service serves (also its grpc.health.v1 name). */
export const NOTIFICATION_GRPC_SERVICE = 'oms.v1.NotificationService';
/** Proto file of that service, relative to proto/ (for `startHybridApp({ protoFiles })`). */
export const NOTIFICATION_PROTO_FILE = protoFiles.notification;
export { NOTIFICATION_CONSUMER, NOTIFICATION_ERROR_CODES, NOTIFICATION_SCHEMA, NotificationTopology, type NotificationTopologyNames };

/** The queues of a default deployment, for a host that declares topology or counts dead letters. */
export const NOTIFICATION_QUEUES: readonly MessagingQueue[] = Object.freeze(new NotificationTopology().queues);

export interface NotificationModuleOptions {
  readonly databaseUrl: string;
  /** Apply migrations at start (the zero-install mode and tests). */
  readonly selfProvision?: boolean;
  /** RabbitMQ URL; unset: the process's in-process broker (the all-in-one mode). */
  readonly amqpUrl?: string;
  /** Exchange and queue names other than docs/messaging.md's; for tests that must stay isolated. */
  readonly topology?: NotificationTopologyNames;
  readonly delivery: DeliveryConfig;
  readonly settings: NotificationSettings;
  /** How often the dispatcher polls for due notifications (default 1 s). */
  readonly pollIntervalMs?: number;
  /** Consumer retry backoff (default 1 s, 5 s, 30 s, then the dead-letter queue). */
  readonly messageRetryDelaysMs?: readonly number[];
}

/** The module options a configuration stands for; also what an all-in-one host passes to NotificationModule.forRoot. */
export function notificationModuleOptions(config: NotificationServiceConfig, options: { selfProvision?: boolean } = {}): NotificationModuleOptions {
  return {
    databaseUrl: config.databaseUrl,
    selfProvision: options.selfProvision,
    amqpUrl: config.amqpUrl,
    delivery: new DeliveryConfig(config.smtpUrl, config.smtpFrom, config.smsUrl, config.smsApiKey, join(config.dataDir, 'mailbox'), config.sendTimeoutMs),
    settings: new NotificationSettings(
      config.paymentTimeoutSeconds,
      config.reminderLeadSeconds,
      new RetryPolicy(config.maxAttempts, config.retryBaseMs, config.retryMaxMs),
      // An attempt in flight is nobody else's until well after its provider call would time out.
      Math.max(60_000, config.sendTimeoutMs * 6),
    ),
    pollIntervalMs: config.pollIntervalMs,
  };
}

const commandHandlers = [NotifyOrderStatusChangeHandler, NotifyPaymentStatusChangeHandler, SendNotificationHandler, SetCustomerContactHandler];
const queryHandlers = [GetCustomerContactHandler];

/**
 * notification-service's composition root: binds the application's ports to their adapters.
 * Hosted by its own process (notification-service.app.ts) or next to the other services in the
 * all-in-one process; either way it brings its own pool, schema, inbox and dispatcher.
 */
@Module({})
export class NotificationModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.readiness.addDataSource('notification-service database', this.dataSource);
  }

  static forRoot(options: NotificationModuleOptions): DynamicModule {
    const topology = new NotificationTopology(options.topology);
    // One instance, imported here and by the messaging module, so both share the pool and schema.
    const persistence = NotificationPersistenceModule.forRoot({ url: options.databaseUrl, migrationsRun: options.selfProvision });
    return {
      module: NotificationModule,
      imports: [
        CqrsModule.forRoot(),
        persistence,
        MessagingModule.forRoot({
          mode: options.amqpUrl ? 'amqp' : 'in-process',
          url: options.amqpUrl,
          consumer: NOTIFICATION_CONSUMER,
          schema: NOTIFICATION_SCHEMA,
          imports: [persistence],
          exchanges: [topology.eventsExchange],
          queues: topology.queues,
          retryDelaysMs: options.messageRetryDelaysMs,
        }),
      ],
      controllers: [CustomerContactsHttpController, NotificationSendLegacyHttpController, NotificationGrpcController, OrderEventsAmqpConsumer],
      providers: [
        ...commandHandlers,
        ...queryHandlers,
        NotificationApi,
        OrderNotifier,
        NotificationDispatcher,
        NotificationDispatchScheduler,
        IdempotentCommandBus,
        IdempotencyJanitor,
        {
          provide: IdempotencyStore,
          inject: [TransactionRunner],
          useFactory: (tx: TransactionRunner) =>
            new IdempotencyStore(tx, { schema: NOTIFICATION_SCHEMA, retentionHours: 24, waitMs: 10_000, transientCodes: TRANSIENT_NOTIFICATION_ERROR_CODES }),
        },
        { provide: DispatchSchedulerOptions, useValue: new DispatchSchedulerOptions(options.pollIntervalMs) },
        { provide: DispatchNudge, useExisting: NotificationDispatchScheduler },
        { provide: NotificationSettings, useValue: options.settings },
        { provide: NotificationTopology, useValue: topology },
        ...deliveryProviders(options.delivery),
        { provide: Clock, useClass: SystemClock },
        { provide: IdGenerator, useClass: UuidV7IdGenerator },
      ],
    };
  }
}
