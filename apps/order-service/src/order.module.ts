import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TransactionRunner } from '#libs/database';
import { ReadinessRegistry } from '#libs/health';
import { DataSource } from 'typeorm';
import { IdempotencyJanitor, IdempotencyStore, IdempotentCommandBus } from '#libs/idempotency';
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
import { OrdersGrpcController } from './adapters/in/grpc/orders.grpc.controller.js';
import { OrderApi } from './adapters/in/order.api.js';
import { OpenApiHttpController } from './adapters/in/rest/openapi.http.controller.js';
import { OrdersHttpController } from './adapters/in/rest/orders.http.controller.js';
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
}

const commandHandlers = [CreateOrderHandler, PayOrderHandler, CancelOrderHandler, RefundOrderHandler];
const queryHandlers = [GetOrderHandler, ListOrdersHandler];

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
    return {
      module: OrderModule,
      imports: [
        CqrsModule.forRoot(),
        OrderPersistenceModule.forRoot({
          url: options.databaseUrl,
          migrationsRun: options.selfProvision,
          seedDemoCatalog: options.selfProvision,
        }),
      ],
      controllers: [OrdersHttpController, OpenApiHttpController, OrdersGrpcController],
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
      ],
    };
  }
}
