import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { childTraceparent, CORRELATION_ID_HEADER, RequestContext, TRACEPARENT_HEADER } from '#libs/observability';
import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import { grpcLoaderOptions, paymentV1, PROTO_ROOT, protoFiles } from '#libs/contracts';
import { PaymentHolds, type HoldRequest } from '../../../application/ports/payment-holds.port.js';
import { ServiceTokens } from './service-tokens.js';

export class PaymentHoldsOptions {
  constructor(
    /** host:port of payment-service's gRPC server. */
    readonly address: string,
    readonly deadlineMs = 5_000,
  ) {}
}

type UnaryCall = (req: unknown, md: Metadata, opts: { deadline: number }, cb: (err: ServiceError | null) => void) => void;

/**
 * Holds are spread over every address the target resolves to (several payment-service replicas,
 * or a Kubernetes headless Service), and a call refused as UNAVAILABLE (a replica draining or gone)
 * is tried again on another: Hold is idempotent per payment (`idempotency-key: hold:<paymentId>`).
 */
export const HOLD_SERVICE_CONFIG = {
  loadBalancingConfig: [{ round_robin: {} }],
  methodConfig: [
    {
      name: [{ service: 'oms.v1.PaymentService', method: 'Hold' }],
      retryPolicy: { maxAttempts: 5, initialBackoff: '0.1s', maxBackoff: '1s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] },
    },
  ],
};

/**
 * The channel's settings: the service config above, and reconnects at most a second apart. By
 * default grpc-js backs off up to 120 s between attempts while payment-service is unreachable, so
 * after a restart every Hold failed (503) until the next attempt, long after payment-service was
 * back; `waitForReady` only waits out the call's own deadline.
 */
export const HOLD_CHANNEL_OPTIONS = {
  'grpc.service_config': JSON.stringify(HOLD_SERVICE_CONFIG),
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

/** PaymentHolds over payment-service's internal gRPC `oms.v1.PaymentService/Hold`, with a service token. */
@Injectable()
export class GrpcPaymentHolds extends PaymentHolds implements OnModuleDestroy {
  private readonly client: Client & { Hold: UnaryCall };

  constructor(
    private readonly options: PaymentHoldsOptions,
    private readonly tokens: ServiceTokens,
  ) {
    super();
    const definition = loadSync(join(PROTO_ROOT, protoFiles.payment), { ...grpcLoaderOptions, includeDirs: [PROTO_ROOT] });
    const pkg = loadPackageDefinition(definition) as unknown as {
      oms: {
        v1: {
          PaymentService: new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options: object) => Client & { Hold: UnaryCall };
        };
      };
    };
    this.client = new pkg.oms.v1.PaymentService(options.address, credentials.createInsecure(), HOLD_CHANNEL_OPTIONS);
  }

  async hold(request: HoldRequest): Promise<void> {
    const message: paymentV1.HoldRequest = {
      orderId: request.orderId,
      paymentId: request.paymentId,
      customerId: request.customerId,
      amount: { currency: request.amount.currency, amountMinor: request.amount.amountMinor.toString() },
      paymentMethod: request.method,
      paymentDetails: { cardNumber: request.card.number, expiryDate: request.card.expiry, cvv: request.card.cvv },
    };
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${await this.tokens.token()}`);
    metadata.set('idempotency-key', `hold:${request.paymentId}`);
    // The request's correlation id and trace go along, as on every message it causes.
    const context = RequestContext.current();
    if (context) metadata.set(CORRELATION_ID_HEADER, context.correlationId);
    metadata.set(TRACEPARENT_HEADER, childTraceparent(context?.traceparent));
    // Wait (up to the deadline) for a channel that is reconnecting, e.g. after payment-service restarted.
    metadata.setOptions({ waitForReady: true });
    await new Promise<void>((resolve, reject) =>
      this.client.Hold(message, metadata, { deadline: Date.now() + this.options.deadlineMs }, (err) => (err ? reject(err) : resolve())),
    );
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}
