import { credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { grpcLoaderOptions, inventoryV1, PROTO_ROOT, protoFiles } from '#libs/contracts';
import { join } from 'node:path';
import { grpcFailure } from '#libs/testing';

/** What a caller observed, in one shape for both ports so their outcomes can be compared. */
export type Outcome =
  | { ok: true; body: Record<string, any>; correlationId?: string }
  | { ok: false; status: string; reason?: string; fields: string[]; message: string; httpStatus?: number; correlationId?: string };

export interface CallOptions {
  token?: string;
  idempotencyKey?: string;
  correlationId?: string;
}

export type InventoryMethod = 'Reserve' | 'Release' | 'Commit' | 'Restock' | 'GetProduct' | 'BatchGetProducts' | 'UpsertProduct';

const codecs: Record<InventoryMethod, { req: inventoryV1.MessageFns<any>; res: inventoryV1.MessageFns<any> }> = {
  Reserve: { req: inventoryV1.ReserveRequest, res: inventoryV1.ReserveResponse },
  Release: { req: inventoryV1.ReleaseRequest, res: inventoryV1.ReleaseResponse },
  Commit: { req: inventoryV1.CommitRequest, res: inventoryV1.CommitResponse },
  Restock: { req: inventoryV1.RestockRequest, res: inventoryV1.RestockResponse },
  GetProduct: { req: inventoryV1.GetProductRequest, res: inventoryV1.GetProductResponse },
  BatchGetProducts: { req: inventoryV1.BatchGetProductsRequest, res: inventoryV1.BatchGetProductsResponse },
  UpsertProduct: { req: inventoryV1.UpsertProductRequest, res: inventoryV1.UpsertProductResponse },
};

/** `oms.v1.InventoryService` over gRPC; requests and responses in proto3 JSON shape. */
export class InventoryGrpcClient {
  private readonly client: any;

  constructor(address: string) {
    const definition = loadSync(join(PROTO_ROOT, protoFiles.inventory), { ...grpcLoaderOptions, includeDirs: [PROTO_ROOT] });
    const pkg = loadPackageDefinition(definition) as any;
    this.client = new pkg.oms.v1.InventoryService(address, credentials.createInsecure());
  }

  call(method: InventoryMethod, request: Record<string, unknown>, options: CallOptions = {}): Promise<Outcome> {
    const md = new Metadata();
    if (options.token) md.set('authorization', `Bearer ${options.token}`);
    if (options.idempotencyKey !== undefined) md.set('idempotency-key', options.idempotencyKey);
    if (options.correlationId) md.set('x-correlation-id', options.correlationId);
    const message = codecs[method].req.fromJSON(request);
    const rpc = method.charAt(0).toLowerCase() + method.slice(1);
    return new Promise<Outcome>((resolve) => {
      this.client[rpc](message, md, { deadline: Date.now() + 15_000 }, (err: ServiceError | null, res: unknown) => {
        if (!err) {
          resolve({ ok: true, body: codecs[method].res.toJSON(res) as Record<string, any> });
          return;
        }
        const { status, message, reason, fields } = grpcFailure(err, { camelCaseFields: true });
        resolve({ ok: false, status, message, reason, fields });
      });
    });
  }

  close(): void {
    this.client.close();
  }
}

/** Catalog administration over REST (`/v1/products`). */
export class ProductsRestClient {
  constructor(private readonly baseUrl: string) {}

  put(sku: string, body: unknown, options: CallOptions = {}): Promise<Outcome> {
    return this.send('PUT', `/v1/products/${encodeURIComponent(sku)}`, body, options);
  }

  get(sku: string, options: CallOptions = {}): Promise<Outcome> {
    return this.send('GET', `/v1/products/${encodeURIComponent(sku)}`, undefined, options);
  }

  async send(verb: string, path: string, body: unknown, options: CallOptions = {}): Promise<Outcome> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    if (options.correlationId) headers['x-correlation-id'] = options.correlationId;
    const res = await fetch(`${this.baseUrl}${path}`, { method: verb, headers, body: body === undefined ? undefined : JSON.stringify(body) });
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
      httpStatus: res.status,
      correlationId,
    };
  }
}
