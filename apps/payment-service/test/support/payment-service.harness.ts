import { signDevToken } from '#libs/auth';
import type { RunningApp } from '#libs/edge';
import { createTestDatabase, type TestDatabase, freePort } from '#libs/testing';
import pg from 'pg';
import { GatewayRetryPolicy } from '../../src/application/gateway-retry.js';
import { GATEWAY_CALLBACK_CONTENT_TYPE, GATEWAY_CALLBACK_PATH, GATEWAY_SIGNATURE_HEADER, signCallback } from '../../src/adapters/gateway-webhook.contract.js';
import { loadPaymentServiceConfig, type PaymentServiceConfig } from '../../src/payment-service.config.js';
import { startPaymentService } from '../../src/payment-service.app.js';
import { PaymentClient } from './payment-client.js';

export const JWT_SECRET = 'e2e-secret-with-enough-entropy-0123456789';
export const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789';

/** Every log line the services of one test file wrote (nestjs-pino keeps the first stream of a process). */
export class LogCapture {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

/** Polls `probe` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface HarnessOptions {
  readonly latencyMs?: number;
  readonly logs?: LogCapture;
  readonly logLevel?: string;
  readonly amqpUrl?: string;
}

/** A real payment-service on loopback ports over its own fresh database, with clients for its ports. */
export class PaymentServiceHarness {
  private constructor(
    public running: RunningApp,
    public grpc: PaymentClient,
    public config: PaymentServiceConfig,
    readonly db: TestDatabase,
    readonly sql: pg.Pool,
    private readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<PaymentServiceHarness> {
    process.env.OMS_JWT_SECRET = JWT_SECRET;
    const db = await createTestDatabase();
    const sql = new pg.Pool({ connectionString: db.url, max: 2 });
    const { running, config } = await PaymentServiceHarness.boot(db, options);
    return new PaymentServiceHarness(running, new PaymentClient(running.grpcAddress), config, db, sql, options);
  }

  private static async boot(db: TestDatabase, options: HarnessOptions): Promise<{ running: RunningApp; config: PaymentServiceConfig }> {
    const config = loadPaymentServiceConfig(
      { ...process.env, OMS_GATEWAY_WEBHOOK_SECRET: WEBHOOK_SECRET, OMS_GATEWAY_LATENCY_MS: String(options.latencyMs ?? 200) },
      { databaseUrl: db.url, host: '127.0.0.1', httpPort: await freePort(), grpcPort: await freePort(), amqpUrl: options.amqpUrl },
    );
    const running = await startPaymentService(config, {
      selfProvision: true,
      shutdownHooks: false,
      logging: { level: options.logLevel ?? process.env.LOG_LEVEL ?? 'silent', stream: options.logs },
      tuning: { sweepIntervalMs: 100, retry: new GatewayRetryPolicy(4, 20, 100) },
    });
    return { running, config };
  }

  /** Stops the service (the database stays) and starts a new process-equivalent on new ports. */
  async restart(between?: () => Promise<void>): Promise<void> {
    this.grpc.close();
    await this.running.close();
    await between?.();
    const { running, config } = await PaymentServiceHarness.boot(this.db, this.options);
    this.running = running;
    this.config = config;
    this.grpc = new PaymentClient(running.grpcAddress);
  }

  token(sub: string, roles: string[] = []): Promise<string> {
    return signDevToken({ sub, roles, secret: JWT_SECRET });
  }

  /** POSTs a raw callback to the endpoint, as the gateway (or an attacker) would. */
  async postCallback(body: string, headers: Record<string, string>): Promise<{ status: number; json: any }> {
    const response = await fetch(`${this.running.httpUrl}${GATEWAY_CALLBACK_PATH}`, { method: 'POST', headers, body });
    return { status: response.status, json: await response.json() };
  }

  /** Headers of a correctly signed callback, optionally signed at another time or with another secret. */
  signedHeaders(body: string, options: { at?: number; secret?: string } = {}): Record<string, string> {
    const timestamp = options.at ?? Math.floor(Date.now() / 1000);
    return {
      'content-type': GATEWAY_CALLBACK_CONTENT_TYPE,
      [GATEWAY_SIGNATURE_HEADER]: signCallback(options.secret ?? WEBHOOK_SECRET, body, timestamp),
    };
  }

  async query<T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.sql.query(text, params)).rows as T[];
  }

  /** The stored payment row, or undefined. */
  async payment(paymentId: string): Promise<Record<string, any> | undefined> {
    return (await this.query('SELECT * FROM payment_service.payments WHERE id = $1', [paymentId]))[0];
  }

  /** Waits until the payment's status is `status` and returns the row. */
  awaitStatus(paymentId: string, status: string, timeoutMs = 5_000): Promise<Record<string, any>> {
    return eventually(async () => {
      const row = await this.payment(paymentId);
      return row?.status === status ? row : undefined;
    }, timeoutMs, `payment ${paymentId} to be ${status}`);
  }

  /** Reply messages written to the outbox, oldest first. */
  outbox(routingKey?: string): Promise<Record<string, any>[]> {
    return routingKey === undefined
      ? this.query('SELECT * FROM payment_service.outbox ORDER BY id')
      : this.query('SELECT * FROM payment_service.outbox WHERE routing_key = $1 ORDER BY id', [routingKey]);
  }

  async stop(): Promise<void> {
    this.grpc.close();
    await this.running.close();
    await this.sql.end();
    await this.db.drop();
  }
}
