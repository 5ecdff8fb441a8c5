import { createServer } from 'node:net';
import { signDevToken } from '#libs/auth';
import type { RunningApp } from '#libs/edge';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import pg from 'pg';
import { loadOrderServiceConfig } from '../../src/order-service.config.js';
import { startOrderService } from '../../src/order-service.app.js';
import { grpcClient, restClient, type OrderClient } from './order-clients.js';

export const JWT_SECRET = 'e2e-secret-with-enough-entropy-0123456789';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

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
    const config = loadOrderServiceConfig(process.env, {
      databaseUrl: db.url,
      host: '127.0.0.1',
      httpPort: await freePort(),
      grpcPort: await freePort(),
    });
    const running = await startOrderService(config, {
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

  /** Moves an order to a state the saga would have produced (the saga arrives with a later issue). */
  async forceState(orderId: string, status: 'RESERVED' | 'PAID' | 'CONFIRMED', payment?: object): Promise<void> {
    await this.sql.query(
      `UPDATE order_service.orders SET status = $2, payment = $3, version = version + 1 WHERE id = $1`,
      [orderId, status, payment ? JSON.stringify(payment) : null],
    );
  }

  async stop(): Promise<void> {
    this.rest.close();
    this.grpc.close();
    await this.running.close();
    await this.sql.end();
    await this.db.drop();
  }
}
