import { Client, credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import pg from 'pg';
import { signDevToken } from '#libs/auth';
import { googleRpc, grpcLoaderOptions, PROTO_ROOT, protoFiles } from '#libs/contracts';
import type { RunningApp } from '#libs/edge';
import type { ObservabilityLoggerOptions } from '#libs/observability';
import { createTestDatabase, type TestDatabase, freePort, grpcFailure } from '#libs/testing';
import { startAllInOne } from '../../src/all-in-one.app.js';

export const JWT_SECRET = 'security-e2e-secret-with-enough-entropy-0123';

/** Every request of these suites gives up after this long: a hang is a failure, not a wait. */
export const CALL_TIMEOUT_MS = 15_000;

export type ServiceName = 'OrderService' | 'InventoryService' | 'PaymentService';

export interface RestAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: any;
}

export interface GrpcAnswer {
  /** `OK` or the status name. */
  readonly status: string;
  readonly message: string;
  readonly reason?: string;
  readonly errorInfo?: googleRpc.ErrorInfo;
  readonly fields: readonly string[];
  readonly body?: any;
}

export interface RestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (with the content type given in `headers`, default JSON). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface GrpcOptions {
  token?: string;
  metadata?: Record<string, string>;
}

/** Text that would show a client the inside of the server: SQL, stack frames, file paths, driver names. */
export const INTERNALS =
  /\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b|\brelation "|\bcolumn "|QueryFailedError|TypeORM|\bpg\b|stack|\bat [\w.<>]+ \(|\/work\/|node_modules|\.ts:\d+|\.js:\d+|order_service\.|inventory_service\.|payment_service\./i;

/** A base64url JWT segment of `value`. */
const segment = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned `alg: none` token with otherwise valid claims. */
export function unsignedToken(sub: string, roles: string[] = []): string {
  const now = Math.floor(Date.now() / 1000);
  return `${segment({ alg: 'none', typ: 'JWT' })}.${segment({ sub, roles, iat: now, exp: now + 3600 })}.`;
}

/** An HS256 token with exactly `claims` (no defaults), signed with `secret`. */
export function hs256Token(claims: Record<string, unknown>, secret = JWT_SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

export interface SecurityAppOptions {
  /** Variables for the app; also set in process.env while it starts (the auth guard reads that). */
  readonly env?: Record<string, string>;
  /** Leave OMS_JWT_SECRET unset (an RS256-only deployment). */
  readonly withoutJwtSecret?: boolean;
  readonly logging?: Omit<ObservabilityLoggerOptions, 'service'>;
}

type Snapshot = Record<string, { rows: number; hash: string }>;

/**
 * The all-in-one app on loopback ports over a fresh database, with raw clients for both ports and
 * every gRPC service, for the security suites. Like the e2e harness, but it lets a suite set the
 * edge limits and capture every log line.
 */
export class SecurityApp {
  private readonly grpcClients: Record<ServiceName, any>;
  private readonly rawClient: Client;

  private constructor(
    readonly running: RunningApp,
    readonly db: TestDatabase,
    readonly sql: pg.Pool,
  ) {
    const definition = loadSync(
      [protoFiles.order, protoFiles.inventory, protoFiles.payment].map((f) => join(PROTO_ROOT, f)),
      { ...grpcLoaderOptions, includeDirs: [PROTO_ROOT] },
    );
    const pkg = loadPackageDefinition(definition) as any;
    const make = (name: ServiceName): any => new pkg.oms.v1[name](running.grpcAddress, credentials.createInsecure());
    this.grpcClients = { OrderService: make('OrderService'), InventoryService: make('InventoryService'), PaymentService: make('PaymentService') };
    this.rawClient = new Client(running.grpcAddress, credentials.createInsecure());
  }

  static async start(options: SecurityAppOptions = {}): Promise<SecurityApp> {
    // The auth guard reads the process environment (JwtVerifier.fromEnv): set it for the start only.
    const saved = { ...process.env };
    process.env.OMS_JWT_SECRET = JWT_SECRET;
    if (options.withoutJwtSecret) delete process.env.OMS_JWT_SECRET;
    Object.assign(process.env, options.env);
    const db = await createTestDatabase();
    const env: Record<string, string | undefined> = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      GRPC_PORT: String(await freePort()),
      OMS_GATEWAY_LATENCY_MS: '20',
      ...options.env,
    };
    delete env.AMQP_URL;
    let running: RunningApp;
    try {
      running = await startAllInOne({
        env,
        databaseUrl: db.url,
        selfProvision: true,
        shutdownHooks: false,
        logging: options.logging ?? { level: process.env.LOG_LEVEL ?? 'silent' },
      });
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
    return new SecurityApp(running, db, new pg.Pool({ connectionString: db.url, max: 2 }));
  }

  /** The gRPC methods of `service` as the proto declares them (e.g. `Reserve`), all of them. */
  methodsOf(service: ServiceName): string[] {
    return Object.keys(this.grpcClients[service].constructor.service as Record<string, unknown>);
  }

  token(sub: string, roles: string[] = []): Promise<string> {
    return signDevToken({ sub, roles, secret: JWT_SECRET, email: `${sub}@example.com` });
  }

  async rest(method: string, path: string, options: RestOptions = {}): Promise<RestAnswer> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    Object.assign(headers, options.headers);
    const res = await fetch(`${this.running.httpUrl}${path}`, {
      method,
      headers,
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** Calls `service.method` with a proto3-JSON-shaped request (camelCase). */
  grpc(service: ServiceName, method: string, request: Record<string, unknown>, options: GrpcOptions = {}): Promise<GrpcAnswer> {
    const client = this.grpcClients[service];
    const rpc = method.charAt(0).toLowerCase() + method.slice(1);
    return new Promise((resolve) => {
      client[rpc](request, this.metadata(options), { deadline: Date.now() + CALL_TIMEOUT_MS }, (err: ServiceError | null, body: unknown) =>
        resolve(err ? grpcError(err) : { status: 'OK', message: '', fields: [], body }),
      );
    });
  }

  /** Sends `bytes` as the request message of `path` (`/oms.v1.OrderService/GetOrder`), unchecked. */
  grpcRaw(path: string, bytes: Buffer, options: GrpcOptions = {}): Promise<GrpcAnswer> {
    const identity = (b: Buffer): Buffer => b;
    return new Promise((resolve) => {
      this.rawClient.makeUnaryRequest(path, identity, identity, bytes, this.metadata(options), { deadline: Date.now() + CALL_TIMEOUT_MS }, (err, body) =>
        resolve(err ? grpcError(err) : { status: 'OK', message: '', fields: [], body }),
      );
    });
  }

  private metadata(options: GrpcOptions): Metadata {
    const md = new Metadata();
    if (options.token) md.set('authorization', `Bearer ${options.token}`);
    for (const [k, v] of Object.entries(options.metadata ?? {})) md.set(k, v);
    return md;
  }

  /**
   * Row count and a hash of the content of every table of every service schema, except `exclude`
   * (`schema.table`).
   */
  async snapshot(exclude: readonly string[] = []): Promise<Snapshot> {
    const { rows: tables } = await this.sql.query<{ s: string; t: string }>(
      `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema', 'public')
        ORDER BY 1, 2`,
    );
    const result: Snapshot = {};
    for (const { s, t } of tables) {
      if (exclude.includes(`${s}.${t}`)) continue;
      const { rows } = await this.sql.query<{ n: number; h: string }>(
        `SELECT count(*)::int AS n, coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '') AS h FROM "${s}"."${t}" x`,
      );
      result[`${s}.${t}`] = { rows: rows[0]!.n, hash: rows[0]!.h };
    }
    return result;
  }

  /** A snapshot once background work (outbox relays, sagas) has stopped changing anything. */
  async quietSnapshot(exclude: readonly string[] = [], timeoutMs = 20_000): Promise<Snapshot> {
    const deadline = Date.now() + timeoutMs;
    let previous = await this.snapshot(exclude);
    for (;;) {
      await new Promise((r) => setTimeout(r, 400));
      const next = await this.snapshot(exclude);
      if (JSON.stringify(next) === JSON.stringify(previous)) return next;
      if (Date.now() > deadline) throw new Error('the database did not settle');
      previous = next;
    }
  }

  /** Every row of every table of every service schema, as JSON text. */
  async allRowsAsJson(): Promise<string[]> {
    const { rows: tables } = await this.sql.query<{ s: string; t: string }>(
      `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
    );
    const out: string[] = [];
    for (const { s, t } of tables) {
      const { rows } = await this.sql.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM "${s}"."${t}" x`);
      out.push(...rows.map((r) => r.j));
    }
    return out;
  }

  /** Waits (bounded) until the order's status in the database is one of `statuses`. */
  async settle(orderId: string, ...statuses: string[]): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { rows } = await this.sql.query(`SELECT status FROM order_service.orders WHERE id = $1`, [orderId]);
      if (rows[0] && statuses.includes(rows[0].status)) return;
      if (Date.now() > deadline) throw new Error(`order ${orderId} is ${rows[0]?.status}, not ${statuses.join('/')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Creates an order for the token's customer over REST and waits until it is RESERVED. */
  async reservedOrder(token: string, items = [{ sku: 'P001', qty: 1 }]): Promise<string> {
    const created = await this.rest('POST', '/v1/orders', { token, body: { items } });
    if (created.status !== 200) throw new Error(`create failed: ${created.text}`);
    const id = created.json.order.id as string;
    await this.settle(id, 'RESERVED');
    return id;
  }

  /** A RESERVED order paid with a good card until CONFIRMED. */
  async confirmedOrder(token: string): Promise<string> {
    const id = await this.reservedOrder(token);
    const paid = await this.rest('POST', `/v1/orders/${id}:pay`, {
      token,
      body: { paymentMethod: 'credit_card', paymentDetails: { cardNumber: '4242424242424242', expiryDate: '12/39', cvv: '123' } },
    });
    if (paid.status !== 200) throw new Error(`pay failed: ${paid.text}`);
    await this.settle(id, 'CONFIRMED');
    return id;
  }

  async stop(): Promise<void> {
    for (const client of Object.values(this.grpcClients)) client.close();
    this.rawClient.close();
    await this.running.close();
    await this.sql.end();
    await this.db.drop();
  }
}

function grpcError(err: ServiceError): GrpcAnswer {
  const { status, message, errorInfo, reason, fields } = grpcFailure(err);
  return { status, message, errorInfo, reason, fields };
}

/** Checks that a REST error body is AIP-193 with `httpStatus` and `status`, and shows no internals. */
export function expectAip193(answer: RestAnswer, httpStatus: number, status: string): void {
  expect({ http: answer.status, status: answer.json?.error?.status, text: answer.text.slice(0, 300) }).toMatchObject({ http: httpStatus, status });
  expect(answer.json).toEqual({
    error: { code: httpStatus, status, message: expect.any(String), details: expect.any(Array) },
  });
  expect(answer.text).not.toMatch(INTERNALS);
}
