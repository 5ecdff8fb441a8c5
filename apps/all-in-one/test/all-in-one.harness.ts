import { signDevToken } from '#libs/auth';
import type { RunningApp } from '#libs/edge';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import pg from 'pg';
import { freePort } from '#libs/testing';
import { startAllInOne } from '../src/all-in-one.app.js';

export const JWT_SECRET = 'all-in-one-e2e-secret-0123456789abcdef';

type Json = Record<string, any>;

/** The whole system in one process over a fresh database, called like a client would: REST with tokens. */
export class AllInOneHarness {
  private constructor(
    readonly running: RunningApp,
    readonly db: TestDatabase,
    readonly sql: pg.Pool,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<AllInOneHarness> {
    process.env.OMS_JWT_SECRET = JWT_SECRET; // the auth guard reads the process environment
    const db = await createTestDatabase();
    const [http, grpc] = [await freePort(), await freePort()];
    const fullEnv = {
      ...process.env,
      OMS_JWT_SECRET: JWT_SECRET,
      HOST: '127.0.0.1',
      PORT: String(http),
      GRPC_PORT: String(grpc),
      OMS_GATEWAY_LATENCY_MS: '20',
      AMQP_URL: '',
      ...env,
    };
    delete (fullEnv as Record<string, string | undefined>).AMQP_URL;
    const running = await startAllInOne({
      env: fullEnv,
      databaseUrl: db.url,
      selfProvision: true,
      shutdownHooks: false,
      logging: { level: process.env.LOG_LEVEL ?? 'silent' },
    });
    return new AllInOneHarness(running, db, new pg.Pool({ connectionString: db.url, max: 2 }));
  }

  token(sub: string, roles: string[] = []): Promise<string> {
    return signDevToken({ sub, roles, secret: JWT_SECRET, email: `${sub}@example.com` });
  }

  async call(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${this.running.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  /** Polls an order until `done` holds for it (bounded). */
  async until(orderId: string, token: string, done: (order: Json) => boolean, timeoutMs = 10_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.call('GET', `/v1/orders/${orderId}`, token);
      if (body.order && done(body.order)) return body.order;
      if (Date.now() > deadline) throw new Error(`order ${orderId} did not get there: ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.running.close();
    await this.sql.end();
    await this.db.drop();
  }
}
