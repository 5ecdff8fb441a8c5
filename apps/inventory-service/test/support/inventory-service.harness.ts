import { signDevToken } from '#libs/auth';
import type { RunningApp } from '#libs/edge';
import { createTestDatabase, type TestDatabase, freePort } from '#libs/testing';
import pg from 'pg';
import { loadInventoryServiceConfig, type InventoryServiceConfig } from '../../src/inventory-service.config.js';
import { startInventoryService, type InventoryServiceStartOptions } from '../../src/inventory-service.app.js';
import { InventoryGrpcClient, ProductsRestClient } from './inventory-clients.js';

export const JWT_SECRET = 'e2e-secret-with-enough-entropy-0123456789';

/** A real inventory-service on loopback ports over its own fresh database, plus clients for both ports. */
export class InventoryServiceHarness {
  private constructor(
    readonly running: RunningApp,
    readonly config: InventoryServiceConfig,
    readonly db: TestDatabase,
    readonly sql: pg.Pool,
    readonly grpc: InventoryGrpcClient,
    readonly rest: ProductsRestClient,
  ) {}

  static async start(overrides: Partial<InventoryServiceConfig> = {}, options: InventoryServiceStartOptions = {}): Promise<InventoryServiceHarness> {
    process.env.OMS_JWT_SECRET = JWT_SECRET;
    const db = await createTestDatabase();
    const config = loadInventoryServiceConfig(process.env, {
      databaseUrl: db.url,
      host: '127.0.0.1',
      httpPort: await freePort(),
      grpcPort: await freePort(),
      amqpUrl: undefined,
      ...overrides,
    });
    const running = await startInventoryService(config, {
      selfProvision: true,
      shutdownHooks: false,
      logging: { level: process.env.LOG_LEVEL ?? 'silent' },
      ...options,
    });
    const sql = new pg.Pool({ connectionString: db.url, max: 2 });
    return new InventoryServiceHarness(running, config, db, sql, new InventoryGrpcClient(running.grpcAddress), new ProductsRestClient(running.httpUrl));
  }

  token(sub: string, roles: string[] = []): Promise<string> {
    return signDevToken({ sub, roles, secret: JWT_SECRET });
  }

  /** Stock and reserved units of a sku as stored. */
  async units(sku: string): Promise<{ stock: number; reserved: number }> {
    const { rows } = await this.sql.query(`SELECT stock::int, reserved::int FROM inventory_service.products WHERE sku = $1`, [sku]);
    return rows[0];
  }

  /** Outbox rows of an aggregate, oldest first. */
  async outbox(aggregateId: string): Promise<{ exchange: string; routing_key: string; payload: any; headers: Record<string, string> }[]> {
    const { rows } = await this.sql.query(
      `SELECT exchange, routing_key, payload, headers FROM inventory_service.outbox WHERE aggregate_id = $1 ORDER BY id`,
      [aggregateId],
    );
    return rows;
  }

  async stop(): Promise<void> {
    this.grpc.close();
    await this.running.close();
    await this.sql.end();
    await this.db.drop();
  }
}
