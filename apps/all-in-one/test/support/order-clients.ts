import { credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { grpcLoaderOptions, orderV1, PROTO_ROOT, protoFiles } from '#libs/contracts';
import { join } from 'node:path';
import { grpcFailure } from '#libs/testing';

/** What a caller observed, in one shape for both ports so their outcomes can be compared. */
export type Outcome =
  | { ok: true; body: Record<string, unknown>; correlationId?: string }
  | {
      ok: false;
      status: string;
      reason?: string;
      fields: string[];
      message: string;
      correlationId?: string;
    };

export interface CallOptions {
  token?: string;
  idempotencyKey?: string;
  correlationId?: string;
}

export type Method = 'CreateOrder' | 'GetOrder' | 'ListOrders' | 'PayOrder' | 'CancelOrder' | 'RefundOrder';

/** One OrderService client; requests are proto3 JSON shaped (lowerCamelCase). */
export interface OrderClient {
  readonly port: 'rest' | 'grpc';
  call(method: Method, request: Record<string, unknown>, options?: CallOptions): Promise<Outcome>;
  close(): void;
}

export function restClient(baseUrl: string): OrderClient {
  const route = (method: Method, req: Record<string, unknown>): { verb: string; path: string; body?: unknown } => {
    const { id, ...rest } = req;
    switch (method) {
      case 'CreateOrder':
        return { verb: 'POST', path: '/v1/orders', body: req };
      case 'GetOrder':
        return { verb: 'GET', path: `/v1/orders/${encodeURIComponent(String(id))}` };
      case 'ListOrders': {
        const qs = new URLSearchParams(Object.entries(req).map(([k, v]): [string, string] => [k, String(v)]));
        return { verb: 'GET', path: `/v1/orders?${qs}` };
      }
      default: {
        const verb = method.replace('Order', '').toLowerCase();
        return { verb: 'POST', path: `/v1/orders/${encodeURIComponent(String(id))}:${verb}`, body: rest };
      }
    }
  };
  return {
    port: 'rest',
    async call(method, request, options = {}) {
      const { verb, path, body } = route(method, request);
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
      if (options.correlationId) headers['x-correlation-id'] = options.correlationId;
      const res = await fetch(`${baseUrl}${path}`, { method: verb, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = (await res.json()) as Record<string, any>;
      const correlationId = res.headers.get('x-correlation-id') ?? undefined;
      if (res.ok) return { ok: true, body: json, correlationId };
      const details: any[] = json.error?.details ?? [];
      return {
        ok: false,
        status: json.error?.status,
        message: json.error?.message,
        reason: details.find((d) => d['@type'].endsWith('ErrorInfo'))?.reason,
        fields: (details.find((d) => d['@type'].endsWith('BadRequest'))?.fieldViolations ?? []).map((v: any) => v.field),
        correlationId,
        httpStatus: res.status,
      } as Outcome;
    },
    close() {},
  };
}

export function grpcClient(address: string): OrderClient {
  const definition = loadSync(join(PROTO_ROOT, protoFiles.order), { ...grpcLoaderOptions, includeDirs: [PROTO_ROOT] });
  const pkg = loadPackageDefinition(definition) as any;
  const client = new pkg.oms.v1.OrderService(address, credentials.createInsecure());
  const codecs: Record<Method, { req: any; res: any }> = {
    CreateOrder: { req: orderV1.CreateOrderRequest, res: orderV1.CreateOrderResponse },
    GetOrder: { req: orderV1.GetOrderRequest, res: orderV1.GetOrderResponse },
    ListOrders: { req: orderV1.ListOrdersRequest, res: orderV1.ListOrdersResponse },
    PayOrder: { req: orderV1.PayOrderRequest, res: orderV1.PayOrderResponse },
    CancelOrder: { req: orderV1.CancelOrderRequest, res: orderV1.CancelOrderResponse },
    RefundOrder: { req: orderV1.RefundOrderRequest, res: orderV1.RefundOrderResponse },
  };
  return {
    port: 'grpc',
    call(method, request, options = {}) {
      const md = new Metadata();
      if (options.token) md.set('authorization', `Bearer ${options.token}`);
      if (options.idempotencyKey !== undefined) md.set('idempotency-key', options.idempotencyKey);
      if (options.correlationId) md.set('x-correlation-id', options.correlationId);
      const message = codecs[method].req.fromJSON(request);
      const rpc = method.charAt(0).toLowerCase() + method.slice(1);
      return new Promise<Outcome>((resolve) => {
        let correlationId: string | undefined;
        const call = client[rpc](message, md, { deadline: Date.now() + 15_000 }, (err: ServiceError | null, res: unknown) => {
          if (!err) {
            resolve({ ok: true, body: codecs[method].res.toJSON(res), correlationId });
            return;
          }
          const { status, message, reason, fields } = grpcFailure(err, { camelCaseFields: true });
          resolve({
            ok: false,
            status,
            message,
            reason,
            fields,
            correlationId: correlationId ?? (err.metadata?.get('x-correlation-id')[0] as string | undefined),
          });
        });
        call.on('metadata', (m: Metadata) => {
          correlationId = m.get('x-correlation-id')[0] as string | undefined;
        });
      });
    },
    close() {
      client.close();
    },
  };
}
