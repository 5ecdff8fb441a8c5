import { credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { grpcLoaderOptions, paymentV1, PROTO_ROOT, protoFiles } from '#libs/contracts';
import { join } from 'node:path';
import { grpcFailure } from '#libs/testing';

/** What a caller observed: the response as proto3 JSON, or the status with its ErrorInfo reason and field violations. */
export type Outcome =
  | { ok: true; body: Record<string, any> }
  | { ok: false; status: string; reason?: string; fields: string[]; message: string };

export type Method = 'Hold' | 'Capture' | 'Void' | 'Refund' | 'GetPayment';

export interface CallOptions {
  token?: string;
  idempotencyKey?: string;
  correlationId?: string;
}

const codecs: Record<Method, { req: any; res: any }> = {
  Hold: { req: paymentV1.HoldRequest, res: paymentV1.HoldResponse },
  Capture: { req: paymentV1.CaptureRequest, res: paymentV1.CaptureResponse },
  Void: { req: paymentV1.VoidRequest, res: paymentV1.VoidResponse },
  Refund: { req: paymentV1.RefundRequest, res: paymentV1.RefundResponse },
  GetPayment: { req: paymentV1.GetPaymentRequest, res: paymentV1.GetPaymentResponse },
};

/** A gRPC client of oms.v1.PaymentService taking and answering proto3 JSON. */
export class PaymentClient {
  private readonly client: any;

  constructor(address: string) {
    const definition = loadSync(join(PROTO_ROOT, protoFiles.payment), { ...grpcLoaderOptions, includeDirs: [PROTO_ROOT] });
    const pkg = loadPackageDefinition(definition) as any;
    this.client = new pkg.oms.v1.PaymentService(address, credentials.createInsecure());
  }

  call(method: Method, request: Record<string, unknown>, options: CallOptions = {}): Promise<Outcome> {
    const md = new Metadata();
    if (options.token) md.set('authorization', `Bearer ${options.token}`);
    if (options.idempotencyKey) md.set('idempotency-key', options.idempotencyKey);
    if (options.correlationId) md.set('x-correlation-id', options.correlationId);
    const rpc = method.charAt(0).toLowerCase() + method.slice(1);
    return new Promise<Outcome>((resolve) => {
      this.client[rpc](codecs[method].req.fromJSON(request), md, { deadline: Date.now() + 15_000 }, (err: ServiceError | null, res: unknown) => {
        if (!err) return resolve({ ok: true, body: codecs[method].res.toJSON(res) });
        const { status, message, reason, fields } = grpcFailure(err);
        resolve({ ok: false, status, message, reason, fields });
      });
    });
  }

  /** The response body, or a test failure naming what went wrong. */
  async ok(method: Method, request: Record<string, unknown>, options: CallOptions = {}): Promise<Record<string, any>> {
    const outcome = await this.call(method, request, options);
    if (!outcome.ok) throw new Error(`${method}: expected success, got ${outcome.status} ${outcome.reason ?? ''}: ${outcome.message}`);
    return outcome.body;
  }

  close(): void {
    this.client.close();
  }
}
