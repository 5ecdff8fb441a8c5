import { Module, type DynamicModule } from '@nestjs/common';
import { EdgeModule, startHybridApp, type RunningApp } from '#libs/edge';
import type { ObservabilityLoggerOptions } from '#libs/observability';
import type { PaymentServiceConfig } from './payment-service.config.js';
import { PAYMENT_ERROR_CODES, PAYMENT_GRPC_SERVICE, PAYMENT_PROTO_FILE, PaymentModule, type PaymentModuleOptions } from './payment.module.js';

export interface PaymentServiceStartOptions {
  /** Apply migrations at start (zero-install and tests). */
  readonly selfProvision?: boolean;
  readonly logging?: Omit<ObservabilityLoggerOptions, 'service'>;
  /** Let Nest close the app on SIGTERM/SIGINT (default); off when the caller handles signals. */
  readonly shutdownHooks?: boolean;
  /** Tests: a faster gateway sweep or retry policy. */
  readonly tuning?: Pick<PaymentModuleOptions, 'retry' | 'messageRetryDelaysMs'> & { readonly sweepIntervalMs?: number };
}

@Module({})
class PaymentServiceAppModule {}

/** The module options a configuration stands for; also what an all-in-one host passes to PaymentModule.forRoot. */
export function paymentModuleOptions(config: PaymentServiceConfig, options: PaymentServiceStartOptions = {}): PaymentModuleOptions {
  return {
    databaseUrl: config.databaseUrl,
    selfProvision: options.selfProvision,
    gateway: {
      latencyMs: config.gatewayLatencyMs,
      webhookSecret: config.gatewayWebhookSecret,
      callbackBaseUrl: config.gatewayCallbackBaseUrl,
      sweepIntervalMs: options.tuning?.sweepIntervalMs,
    },
    amqpUrl: config.amqpUrl,
    messageRetryDelaysMs: options.tuning?.messageRetryDelaysMs,
    retry: options.tuning?.retry,
  };
}

/** payment-service as its own process: the edge plus the payment bounded context. */
export function paymentServiceAppModule(config: PaymentServiceConfig, options: PaymentServiceStartOptions = {}): DynamicModule {
  return {
    module: PaymentServiceAppModule,
    imports: [
      EdgeModule.forRoot({
        service: 'payment-service',
        grpcServiceNames: [PAYMENT_GRPC_SERVICE],
        errorCodes: [PAYMENT_ERROR_CODES],
        logging: options.logging,
        security: config.edge,
      }),
      PaymentModule.forRoot(paymentModuleOptions(config, options)),
    ],
  };
}

/**
 * Starts payment-service: REST (the gateway callback endpoint, health), gRPC
 * `oms.v1.PaymentService`, and the consumer of `payment-service.commands` (RabbitMQ with
 * `amqpUrl`, else the in-process broker).
 */
export function startPaymentService(config: PaymentServiceConfig, options: PaymentServiceStartOptions = {}): Promise<RunningApp> {
  // startHybridApp also connects the message transport of every MessagingModule in the app.
  return startHybridApp(paymentServiceAppModule(config, options), {
    host: config.host,
    httpPort: config.httpPort,
    grpcPort: config.grpcPort,
    protoFiles: [PAYMENT_PROTO_FILE],
    shutdownHooks: options.shutdownHooks,
    security: config.edge,
  });
}
