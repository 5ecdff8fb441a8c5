import { signDevToken } from '#libs/auth';
import type { RunningApp } from '#libs/edge';
import { createTestDatabase, type TestDatabase, freePort } from '#libs/testing';
import pg from 'pg';
// The order API is exercised inside the whole system (all-in-one), so orders really get reserved,
// paid and refunded by inventory-service and payment-service rather than forced into a state.
import { startAllInOne } from '../../src/all-in-one.app.js';
import { grpcClient, restClient, type OrderClient } from './order-clients.js';

export const JWT_SECRET = 'e2e-secret-with-enough-entropy-0123456789';

/** A real order-service on loopback ports over its own fresh database, plus clients for both ports. */
export class OrderServiceHarness {
  private constructor(
    readonly running: RunningApp,
    readonly db: TestDatabase,
    readonly sql: pg.Pool,
    readonly rest: OrderClient,
    readonly grpc: OrderClient,
  ) {}

  static async start(): Promise<OrderServiceHarness> {
    process.env.OMS_JWT_SECRET = JWT_SECRET;
    const db = await createTestDatabase();
    const env: Record<string, string | undefined> = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      GRPC_PORT: String(await freePort()),
      OMS_GATEWAY_LATENCY_MS: '20',
    };
    delete env.AMQP_URL;
    const running = await startAllInOne({
      env,
      databaseUrl: db.url,
      selfProvision: true,
      shutdownHooks: false,
      logging: { level: process.env.LOG_LEVEL ?? 'silent' },
    });
    const sql = new pg.Pool({ connectionString: db.url, max: 2 });
    return new OrderServiceHarness(running, db, sql, restClient(running.httpUrl), grpcClient(running.grpcAddress));
  }

  token(sub: string, roles: string[] = []): Promise<string> {
    return signDevToken({ sub, roles, secret: JWT_SECRET, email: `${sub}@example.com` });
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

  /** Waits until the saga reserved the order's stock. */
  reserved(orderId: string): Promise<void> {
    return this.settle(orderId, 'RESERVED');
  }

  /** Reserves, pays with a good card and waits until CONFIRMED: a real paid order. */
  async confirmed(orderId: string, token: string): Promise<void> {
    await this.reserved(orderId);
    const paid = await this.rest.call(
      'PayOrder',
      { id: orderId, paymentMethod: 'credit_card', paymentDetails: { cardNumber: '4242424242424242', expiryDate: '12/39', cvv: '123' } },
      { token },
    );
    if (!paid.ok) throw new Error(`payment failed: ${paid.status} ${paid.reason}`);
    await this.settle(orderId, 'CONFIRMED');
  }

  async stop(): Promise<void> {
    this.rest.close();
    this.grpc.close();
    await this.running.close();
    await this.sql.end();
    await this.db.drop();
  }
}
