import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { protoFiles } from '#libs/contracts';
import { TransactionRunner } from '#libs/database';
import { ReadinessRegistry } from '#libs/health';
import { IdempotencyJanitor, IdempotencyStore, IdempotentCommandBus } from '#libs/idempotency';
import { MessagingModule, OutboxWriter, type MessagingQueue } from '#libs/messaging';
import { DataSource } from 'typeorm';
import { ApplyGatewayCallbackHandler } from './application/commands/apply-gateway-callback/apply-gateway-callback.handler.js';
import { CapturePaymentHandler } from './application/commands/capture-payment/capture-payment.handler.js';
import { HoldPaymentHandler } from './application/commands/hold-payment/hold-payment.handler.js';
import { RefundPaymentHandler } from './application/commands/refund-payment/refund-payment.handler.js';
import { VoidPaymentHandler } from './application/commands/void-payment/void-payment.handler.js';
import { GatewayRetryPolicy } from './application/gateway-retry.js';
import { PaymentOperationRequests } from './application/payment-change.js';
import { CardGateway } from './application/ports/card-gateway.port.js';
import { Clock } from './application/ports/clock.port.js';
import { GatewayMetrics } from './application/ports/gateway-metrics.port.js';
import { PrometheusGatewayMetrics } from './adapters/out/metrics/prometheus-gateway.metrics.js';
import { PaymentResultPublisher } from './application/ports/payment-result.publisher.port.js';
import { GetPaymentHandler } from './application/queries/get-payment/get-payment.handler.js';
import { GATEWAY_CALLBACK_PATH } from './adapters/gateway-webhook.contract.js';
import { PAYMENT_COMMANDS_QUEUE, PAYMENT_CONSUMER, PaymentCommandsAmqpConsumer } from './adapters/in/amqp/payment-commands.amqp-consumer.js';
import { PaymentsGrpcController } from './adapters/in/grpc/payments.grpc.controller.js';
import { PAYMENT_ERROR_CODES, TRANSIENT_PAYMENT_ERROR_CODES } from './adapters/in/payment-error-codes.js';
import { PaymentApi } from './adapters/in/payment.api.js';
import { GatewayCallbackVerifier } from './adapters/in/rest/gateway-callback.verifier.js';
import { GatewayCallbacksHttpController } from './adapters/in/rest/gateway-callbacks.http.controller.js';
import { GatewayCallbackDispatcher } from './adapters/out/gateway/gateway-callback.dispatcher.js';
import { SimulatedCardGateway } from './adapters/out/gateway/simulated-card.gateway.js';
import { SimulatedGatewayDatabase } from './adapters/out/gateway/simulated-gateway.database.js';
import { SimulatedGatewayConfig } from './adapters/out/gateway/simulated-gateway.config.js';
import { OutboxPaymentResultPublisher } from './adapters/out/messaging/outbox-payment-result.publisher.js';
import { PAYMENT_SCHEMA, PaymentPersistenceModule } from './adapters/out/persistence/payment-service.persistence.js';
import { SystemClock } from './adapters/out/system/system.clock.js';

/** The gRPC service payment-service serves (health names, reflection). */
export const PAYMENT_GRPC_SERVICE = 'oms.v1.PaymentService';
/** Its proto file, relative to `proto/` (for `startHybridApp({ protoFiles })`). */
export const PAYMENT_PROTO_FILE = protoFiles.payment;
export { PAYMENT_COMMANDS_QUEUE, PAYMENT_CONSUMER, PAYMENT_ERROR_CODES };
/** The queues payment-service consumes, for a host declaring every service's topology. */
export const PAYMENT_QUEUES: readonly MessagingQueue[] = [PAYMENT_COMMANDS_QUEUE];

/** Options of {@link PaymentModule.forRoot}. */
export interface PaymentModuleOptions {
  readonly databaseUrl: string;
  /** Apply migrations at start (the zero-install mode and tests). */
  readonly selfProvision?: boolean;
  readonly gateway: {
    /** `OMS_GATEWAY_LATENCY_MS`. */
    readonly latencyMs: number;
    readonly webhookSecret: string;
    /** Base URL of the REST port serving this module, e.g. `http://127.0.0.1:3002`. */
    readonly callbackBaseUrl: string;
    /** Periodic look for due callbacks (default 1 s). */
    readonly sweepIntervalMs?: number;
  };
  /** RabbitMQ URL; unset: the process's in-process broker (the all-in-one mode). */
  readonly amqpUrl?: string;
  /** Consumer retry backoff (default 1 s, 5 s, 30 s, then the dead-letter queue). */
  readonly messageRetryDelaysMs?: readonly number[];
  /** Gateway request retries (default: 4 attempts, 100 ms doubling). */
  readonly retry?: GatewayRetryPolicy;
}

const commandHandlers = [HoldPaymentHandler, CapturePaymentHandler, VoidPaymentHandler, RefundPaymentHandler, ApplyGatewayCallbackHandler];
const queryHandlers = [GetPaymentHandler];

/** payment-service's composition root: binds the application's ports to their adapters. */
@Module({})
export class PaymentModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.readiness.addDataSource('payment-service database', this.dataSource);
  }

  static forRoot(options: PaymentModuleOptions): DynamicModule {
    const gateway = options.gateway;
    // One instance, imported here and by the messaging module, so both share the pool and schema.
    const persistence = PaymentPersistenceModule.forRoot({ url: options.databaseUrl, migrationsRun: options.selfProvision });
    return {
      module: PaymentModule,
      imports: [
        CqrsModule.forRoot(),
        persistence,
        MessagingModule.forRoot({
          mode: options.amqpUrl ? 'amqp' : 'in-process',
          url: options.amqpUrl,
          consumer: PAYMENT_CONSUMER,
          schema: PAYMENT_SCHEMA,
          imports: [persistence],
          queues: PAYMENT_QUEUES,
          retryDelaysMs: options.messageRetryDelaysMs,
        }),
      ],
      controllers: [PaymentsGrpcController, GatewayCallbacksHttpController, PaymentCommandsAmqpConsumer],
      providers: [
        ...commandHandlers,
        ...queryHandlers,
        PaymentOperationRequests,
        PaymentApi,
        IdempotentCommandBus,
        IdempotencyJanitor,
        {
          provide: IdempotencyStore,
          inject: [TransactionRunner],
          useFactory: (tx: TransactionRunner) =>
            new IdempotencyStore(tx, { schema: PAYMENT_SCHEMA, retentionHours: 24, waitMs: 10_000, transientCodes: TRANSIENT_PAYMENT_ERROR_CODES }),
        },
        { provide: GatewayRetryPolicy, useValue: options.retry ?? new GatewayRetryPolicy() },
        { provide: Clock, useClass: SystemClock },
        { provide: GatewayMetrics, useClass: PrometheusGatewayMetrics },
        { provide: PaymentResultPublisher, inject: [OutboxWriter], useFactory: (outbox: OutboxWriter) => new OutboxPaymentResultPublisher(outbox) },
        {
          provide: SimulatedGatewayConfig,
          useValue: new SimulatedGatewayConfig(gateway.latencyMs, `${gateway.callbackBaseUrl}${GATEWAY_CALLBACK_PATH}`, gateway.webhookSecret, gateway.sweepIntervalMs),
        },
        { provide: SimulatedGatewayDatabase, useFactory: () => SimulatedGatewayDatabase.open(options.databaseUrl) },
        GatewayCallbackDispatcher,
        { provide: CardGateway, useClass: SimulatedCardGateway },
        { provide: GatewayCallbackVerifier, useValue: new GatewayCallbackVerifier(gateway.webhookSecret) },
      ],
    };
  }
}
