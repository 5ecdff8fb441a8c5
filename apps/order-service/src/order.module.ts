import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TransactionRunner } from '#libs/database';
import { ReadinessRegistry } from '#libs/health';
import { DataSource } from 'typeorm';
import { IdempotencyJanitor, IdempotencyStore, IdempotentCommandBus } from '#libs/idempotency';
import { MessagingModule, type MessagingQueue } from '#libs/messaging';
import { CancelOrderHandler } from './application/commands/cancel-order/cancel-order.handler.js';
import { CreateOrderHandler } from './application/commands/create-order/create-order.handler.js';
import { PayOrderHandler } from './application/commands/pay-order/pay-order.handler.js';
import { RefundOrderHandler } from './application/commands/refund-order/refund-order.handler.js';
import { Clock } from './application/ports/clock.port.js';
import { IdGenerator } from './application/ports/id-generator.port.js';
import { OrderEventPublisher } from './application/ports/order-event.publisher.port.js';
import { GetOrderHandler } from './application/queries/get-order/get-order.handler.js';
import { ListOrdersHandler } from './application/queries/list-orders/list-orders.handler.js';
import { PageTokenCodec } from './application/queries/list-orders/page-token.codec.js';
import { CatalogChangesAmqpConsumer } from './adapters/in/amqp/catalog-changes.amqp-consumer.js';
import { SagaRepliesAmqpConsumer } from './adapters/in/amqp/saga-replies.amqp-consumer.js';
import { OrdersGrpcController } from './adapters/in/grpc/orders.grpc.controller.js';
import { OrderApi, OrderApiOptions } from './adapters/in/order.api.js';
import { SagaTimeoutsOptions, SagaTimeoutsScheduler } from './adapters/in/scheduler/saga-timeouts.scheduler.js';
import { OutboxSagaMessages } from './adapters/out/messaging/outbox-saga.messages.js';
import { GrpcPaymentHolds, PaymentHoldsOptions } from './adapters/out/payment/grpc-payment-holds.js';
import { ServiceTokens } from './adapters/out/payment/service-tokens.js';
import { TypeOrmCatalogReplica } from './adapters/out/persistence/typeorm-catalog-replica.js';
import { TypeOrmOrderSagaRepository } from './adapters/out/persistence/typeorm-order-saga.repository.js';
import { TypeOrmUnitOfWork } from './adapters/out/system/typeorm.unit-of-work.js';
import { CatalogReplica } from './application/ports/catalog-replica.port.js';
import { OrderSagaRepository } from './application/ports/order-saga.repository.port.js';
import { PaymentHolds } from './application/ports/payment-holds.port.js';
import { SagaMessages } from './application/ports/saga-messages.port.js';
import { UnitOfWork } from './application/ports/unit-of-work.port.js';
import { AwaitOutcomeHandler } from './application/queries/await-payment/await-payment.handler.js';
import { OrderChangeSignals } from './application/order-change-signals.js';
import { OrderSagaCoordinator, SagaTiming } from './application/saga/order-saga.coordinator.js';
import { SagaMetrics } from './application/ports/saga-metrics.port.js';
import { PrometheusSagaMetrics } from './adapters/out/metrics/prometheus-saga.metrics.js';
import { OrdersByStatusCollector } from './adapters/out/metrics/orders-by-status.collector.js';
import { OpenApiHttpController } from './adapters/in/rest/openapi.http.controller.js';
import { OrdersHttpController } from './adapters/in/rest/orders.http.controller.js';
import { LegacyOrdersHttpController } from './adapters/in/rest/legacy/legacy-orders.http.controller.js';
import { LegacySigningKey } from './adapters/in/rest/legacy/legacy-signature.js';
import { CqrsOrderEventPublisher } from './adapters/out/messaging/cqrs-order-event.publisher.js';
import { ORDER_SCHEMA, OrderPersistenceModule } from './adapters/out/persistence/order-service.persistence.js';
import { SystemClock } from './adapters/out/system/system.clock.js';
import { UuidV7IdGenerator } from './adapters/out/system/uuid-v7.id-generator.js';

export interface OrderModuleOptions {
  readonly databaseUrl: string;
  /** Signs ListOrders page tokens. */
  readonly pageTokenSecret: string;
  /** Apply migrations and load the demo catalog at start (the zero-install mode). */
  readonly selfProvision?: boolean;
  /** RabbitMQ URL; unset: the process's in-process broker (the all-in-one mode). */
  readonly amqpUrl?: string;
  /** host:port of payment-service's gRPC server (Hold carries card data, so it is a call). */
  readonly paymentAddress: string;
  /** Token for calls to other services; else minted with `jwtSecret` (HS256). */
  readonly serviceToken?: string;
  readonly jwtSecret?: string;
  /** How long PayOrder/RefundOrder wait for their outcome (OMS_PAYMENT_WAIT_MS). */
  readonly outcomeWaitMs: number;
  /** OMS_ORDER_PAYMENT_TIMEOUT_SECONDS, in ms. */
  readonly paymentTimeoutMs: number;
  /** How long an unanswered hold is waited for before the saga voids it and gives up. */
  readonly holdTimeoutMs?: number;
  /** How often due saga timeouts are looked for. */
  readonly timeoutScanMs?: number;
  /** OMS_SIGNING_SECRET: key of the legacy `/api/orders/create` signatures; unset, that route answers 503. */
  readonly signingSecret?: string;
  /** Queue names (tests use unique ones). */
  readonly queues?: { readonly replies?: string; readonly catalog?: string };
}

/** The queues order-service consumes (docs/messaging.md). */
export function orderQueues(names: OrderModuleOptions['queues'] = {}): MessagingQueue[] {
  return [
    { name: names.replies ?? 'order-service.replies', bindings: [{ exchange: 'oms.replies', pattern: '#' }] },
    { name: names.catalog ?? 'order-service.catalog', bindings: [{ exchange: 'oms.events', pattern: 'catalog.product_changed' }] },
  ];
}

const commandHandlers = [CreateOrderHandler, PayOrderHandler, CancelOrderHandler, RefundOrderHandler];
const queryHandlers = [GetOrderHandler, ListOrdersHandler, AwaitOutcomeHandler];

/** order-service's composition root: binds the application's ports to their adapters. */
@Module({})
export class OrderModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.readiness.addDataSource('order-service database', this.dataSource);
  }

  static forRoot(options: OrderModuleOptions): DynamicModule {
    const persistence = OrderPersistenceModule.forRoot({
      url: options.databaseUrl,
      migrationsRun: options.selfProvision,
      seedDemoCatalog: options.selfProvision,
    });
    return {
      module: OrderModule,
      imports: [
        CqrsModule.forRoot(),
        persistence,
        MessagingModule.forRoot({
          mode: options.amqpUrl ? 'amqp' : 'in-process',
          url: options.amqpUrl,
          consumer: 'order-service',
          schema: ORDER_SCHEMA,
          imports: [persistence],
          queues: orderQueues(options.queues),
        }),
      ],
      controllers: [
        OrdersHttpController,
        LegacyOrdersHttpController,
        OpenApiHttpController,
        OrdersGrpcController,
        SagaRepliesAmqpConsumer,
        CatalogChangesAmqpConsumer,
      ],
      providers: [
        ...commandHandlers,
        ...queryHandlers,
        OrderApi,
        IdempotentCommandBus,
        IdempotencyJanitor,
        {
          provide: IdempotencyStore,
          inject: [TransactionRunner],
          useFactory: (tx: TransactionRunner) =>
            new IdempotencyStore(tx, {
              schema: ORDER_SCHEMA,
              retentionHours: 24,
              waitMs: 10_000,
              transientCodes: ['CONCURRENT_MODIFICATION', 'OPERATION_IN_PROGRESS'],
            }),
        },
        { provide: PageTokenCodec, useValue: new PageTokenCodec(options.pageTokenSecret) },
        { provide: Clock, useClass: SystemClock },
        { provide: IdGenerator, useClass: UuidV7IdGenerator },
        { provide: OrderEventPublisher, useClass: CqrsOrderEventPublisher },
        OrderSagaCoordinator,
        OrderChangeSignals,
        { provide: SagaMetrics, useClass: PrometheusSagaMetrics },
        OrdersByStatusCollector,
        { provide: SagaTiming, useValue: new SagaTiming(options.paymentTimeoutMs, options.holdTimeoutMs ?? 120_000) },
        { provide: OrderSagaRepository, useClass: TypeOrmOrderSagaRepository },
        { provide: SagaMessages, useClass: OutboxSagaMessages },
        { provide: UnitOfWork, useClass: TypeOrmUnitOfWork },
        { provide: CatalogReplica, useClass: TypeOrmCatalogReplica },
        { provide: PaymentHoldsOptions, useValue: new PaymentHoldsOptions(options.paymentAddress) },
        {
          provide: ServiceTokens,
          useValue: new ServiceTokens({ staticToken: options.serviceToken, hs256Secret: options.jwtSecret, subject: 'order-service' }),
        },
        { provide: PaymentHolds, useClass: GrpcPaymentHolds },
        { provide: OrderApiOptions, useValue: new OrderApiOptions(options.outcomeWaitMs) },
        { provide: LegacySigningKey, useValue: new LegacySigningKey(options.signingSecret) },
        { provide: SagaTimeoutsOptions, useValue: new SagaTimeoutsOptions(options.timeoutScanMs) },
        SagaTimeoutsScheduler,
      ],
    };
  }
}
