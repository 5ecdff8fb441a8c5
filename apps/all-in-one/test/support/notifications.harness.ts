import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevToken } from '#libs/auth';
import type { RunningApp } from '#libs/edge';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import pg from 'pg';
import { LocalSmsProvider } from '../../../notification-service/test/support/local-sms.provider.js';
import { LocalSmtpServer } from '../../../notification-service/test/support/local-smtp.server.js';
import { NotificationGrpcClient } from '../../../notification-service/test/support/notification-grpc.client.js';
import { startAllInOne } from '../../src/all-in-one.app.js';
import { freePort } from '#libs/testing';

export const JWT_SECRET = 'notifications-e2e-secret-0123456789abcdef';

type Json = Record<string, any>;

/** A row of notification_service.notifications, as the tests read it. */
export interface NotificationRow {
  id: string;
  order_id: string | null;
  customer_id: string;
  kind: string;
  channel: string | null;
  recipient: string | null;
  subject: string;
  body: string;
  status: string;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
  due_at: Date;
  lease_until: Date | null;
}

/**
 * The whole system in one process (all-in-one) with a real local SMTP server and a local HTTP SMS
 * provider as notification-service's providers, over a database of its own that survives
 * `restart()`, so durable behaviour can be checked across a stop and start.
 */
export class NotificationsHarness {
  running!: RunningApp;
  grpc!: NotificationGrpcClient;

  private constructor(
    readonly db: TestDatabase,
    readonly sql: pg.Pool,
    readonly smtp: LocalSmtpServer,
    readonly sms: LocalSmsProvider,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<NotificationsHarness> {
    process.env.OMS_JWT_SECRET = JWT_SECRET; // the auth guard reads the process environment
    const [db, smtp, sms, dataDir] = await Promise.all([
      createTestDatabase(),
      LocalSmtpServer.start(),
      LocalSmsProvider.start(),
      mkdtemp(join(tmpdir(), 'oms-notifications-')),
    ]);
    const h = new NotificationsHarness(db, new pg.Pool({ connectionString: db.url, max: 2 }), smtp, sms, dataDir, {
      OMS_SMTP_URL: smtp.url,
      OMS_SMS_URL: sms.url,
      OMS_SMS_API_KEY: sms.apiKey,
      OMS_DATA_DIR: dataDir,
      OMS_NOTIFICATION_POLL_MS: '50',
      OMS_NOTIFICATION_RETRY_BASE_MS: '300',
      OMS_NOTIFICATION_RETRY_MAX_MS: '1000',
      OMS_NOTIFICATION_MAX_ATTEMPTS: '6',
      OMS_NOTIFICATION_SEND_TIMEOUT_MS: '3000',
      ...env,
    });
    await h.launch();
    return h;
  }

  private async launch(): Promise<void> {
    const fullEnv: Record<string, string | undefined> = {
      ...process.env,
      OMS_JWT_SECRET: JWT_SECRET,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      GRPC_PORT: String(await freePort()),
      OMS_GATEWAY_LATENCY_MS: '20',
      ...this.env,
    };
    delete fullEnv.AMQP_URL;
    this.running = await startAllInOne({
      env: fullEnv,
      databaseUrl: this.db.url,
      selfProvision: true,
      shutdownHooks: false,
      logging: { level: process.env.LOG_LEVEL ?? 'silent' },
    });
    this.grpc = new NotificationGrpcClient(this.running.grpcAddress);
  }

  /** Stops the process's app (drained, as at SIGTERM) and starts it again on the same database. */
  async restart(between?: () => Promise<void>): Promise<void> {
    this.grpc.close();
    await this.running.close();
    await between?.();
    await this.launch();
  }

  token(sub: string, options: { roles?: string[]; email?: string | null } = {}): Promise<string> {
    const email = options.email === undefined ? `${sub}@example.com` : (options.email ?? undefined);
    return signDevToken({ sub, roles: options.roles ?? [], secret: JWT_SECRET, email });
  }

  /** An HTTP call; `token` null sends none. The body is parsed as JSON when it is JSON. */
  async call(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${this.running.httpUrl}${path}`, {
      method,
      headers: {
        ...(token !== null && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Json;
    try {
      parsed = JSON.parse(text) as Json;
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed };
  }

  /** Creates an order of one P001 as `token`'s customer and waits until it is RESERVED. */
  async reservedOrder(token: string): Promise<string> {
    const created = await this.call('POST', '/v1/orders', token, { items: [{ sku: 'P001', qty: 1 }] });
    if (created.status !== 200) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
    const id = created.body.order.id as string;
    await this.until(`order ${id} RESERVED`, async () => ((await this.orderStatus(id)) === 'RESERVED' ? true : undefined));
    return id;
  }

  /** Pays the order with a good card; waits for the answer (CAPTURED). */
  async pay(orderId: string, token: string): Promise<void> {
    const paid = await this.call('POST', `/v1/orders/${orderId}:pay`, token, {
      paymentMethod: 'credit_card',
      paymentDetails: { cardNumber: '4242424242424242', expiryDate: '12/39', cvv: '123' },
    });
    if (paid.status !== 200) throw new Error(`payment failed: ${JSON.stringify(paid.body)}`);
  }

  async orderStatus(orderId: string): Promise<string | undefined> {
    const { rows } = await this.sql.query(`SELECT status FROM order_service.orders WHERE id = $1`, [orderId]);
    return rows[0]?.status;
  }

  async notifications(where: { orderId?: string; customerId?: string }): Promise<NotificationRow[]> {
    const { rows } = await this.sql.query(
      `SELECT * FROM notification_service.notifications
        WHERE ($1::text IS NULL OR order_id = $1) AND ($2::text IS NULL OR customer_id = $2) ORDER BY create_time, id`,
      [where.orderId ?? null, where.customerId ?? null],
    );
    return rows;
  }

  async notification(orderId: string, kind: string): Promise<NotificationRow | undefined> {
    return (await this.notifications({ orderId })).find((n) => n.kind === kind);
  }

  /** Polls `probe` until it returns a value (bounded). */
  async until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    this.grpc?.close();
    await this.running?.close();
    await Promise.all([this.sql.end(), this.smtp.stop(), this.sms.stop()]);
    await this.db.drop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
