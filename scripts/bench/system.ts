import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signDevToken } from '#libs/auth';
import { onCleanup } from './cleanup.js';
import { freePort } from '#libs/testing';
import { spawnNode, stopChild, waitFor, type CountingPool } from './infra.js';

/** The repository root (this file runs as dist/scripts/bench/system.js). */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const JWT_SECRET = 'oms-bench-jwt-secret-0123456789abcdef';

export type Mode = 'multi-process' | 'all-in-one';

export interface RunningSystem {
  readonly mode: Mode;
  /** order-service's REST and gRPC ports (the public API). */
  readonly http: number;
  readonly grpc: number;
  /** inventory-service's REST port (catalog administration). */
  readonly inventoryHttp: number;
  /** The process that serves CreateOrder (order-service, or the all-in-one process). */
  readonly orderProcess: ChildProcess;
  /** When that process was spawned (epoch ms): where its --cpu-prof profile starts. */
  readonly orderSpawnedAt: number;
  /** Stops every process (SIGTERM: a `--cpu-prof` profile is written on the way out); how each one ended. */
  stop(): Promise<{ name: string; exitCode: number | null; signal: string | null; seconds: number }[]>;
}

export interface SystemOptions {
  readonly mode: Mode;
  readonly databaseUrl: string;
  readonly amqpUrl: string;
  /** Extra Node flags for the process serving CreateOrder (e.g. --cpu-prof). */
  readonly orderNodeArgs?: string[];
  /** Where each process's log (stdout, LOG_LEVEL=warn) is appended: `<logDir>/<service>.log`. */
  readonly logDir: string;
}

/**
 * Migrates the bench database (dist/scripts/migrate.js, as the tests do) and starts the OMS from
 * dist/: four processes (multi-process mode) or one (all-in-one), on the bench's database and
 * RabbitMQ vhost, with the bench's settings: no rate limit, gateway latency 0, LOG_LEVEL=warn.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oms-bench-'));
  onCleanup(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    AMQP_URL: options.amqpUrl,
    OMS_JWT_SECRET: JWT_SECRET,
    OMS_SIGNING_SECRET: 'oms-bench-signing-secret-0123456789',
    OMS_DATA_DIR: dataDir,
    OMS_RATE_LIMIT_PER_MINUTE: '0',
    OMS_GATEWAY_LATENCY_MS: '0',
    LOG_LEVEL: 'warn',
    // A stop that hangs exits 1 after 10 s by itself (and still writes a --cpu-prof profile).
    OMS_SHUTDOWN_GRACE_MS: '10000',
  };
  execFileSync(process.execPath, [join(ROOT, 'dist/scripts/migrate.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });

  const started: { name: string; child: ChildProcess; http: number }[] = [];
  const start = async (name: string, entry: string, nodeArgs: string[] = [], extra: NodeJS.ProcessEnv = {}) => {
    const http = await freePort();
    const grpc = await freePort();
    const child = spawnNode(name, [...nodeArgs, join(ROOT, entry)], { ...env, PORT: String(http), GRPC_PORT: String(grpc), ...extra }, join(options.logDir, `${name}.log`));
    started.push({ name, child, http });
    return { http, grpc, child };
  };

  let system: Omit<RunningSystem, 'stop'>;
  if (options.mode === 'all-in-one') {
    const spawnedAt = Date.now();
    const one = await start('all-in-one', 'dist/apps/all-in-one/src/main.js', options.orderNodeArgs);
    system = { mode: 'all-in-one', http: one.http, grpc: one.grpc, inventoryHttp: one.http, orderProcess: one.child, orderSpawnedAt: spawnedAt };
  } else {
    const payment = await start('payment-service', 'dist/apps/payment-service/src/main.js');
    const paymentAddress = { OMS_PAYMENT_GRPC_ADDRESS: `127.0.0.1:${payment.grpc}` };
    const inventory = await start('inventory-service', 'dist/apps/inventory-service/src/main.js');
    await start('notification-service', 'dist/apps/notification-service/src/main.js');
    const spawnedAt = Date.now();
    const order = await start('order-service', 'dist/apps/order-service/src/main.js', options.orderNodeArgs, paymentAddress);
    system = { mode: 'multi-process', http: order.http, grpc: order.grpc, inventoryHttp: inventory.http, orderProcess: order.child, orderSpawnedAt: spawnedAt };
  }
  for (const s of started) {
    await waitFor(`${s.name} /health/ready`, async () => {
      if (s.child.exitCode !== null) throw new Error(`${s.name} exited with ${s.child.exitCode}`);
      return (await fetch(`http://127.0.0.1:${s.http}/health/ready`)).ok;
    });
  }
  const stop = () =>
    Promise.all(
      started.map(async (s) => {
        const t0 = Date.now();
        await stopChild(s.child, 20_000);
        return { name: s.name, exitCode: s.child.exitCode, signal: s.child.signalCode, seconds: (Date.now() - t0) / 1000 };
      }),
    );
  return { ...system, stop };
}

/** HS256 tokens the OMS accepts: customers `bench-0..n-1` (with an e-mail, so notifications go out) and an admin. */
export async function benchTokens(customers: number): Promise<{ customers: string[]; admin: string }> {
  const sign = (sub: string, roles: string[] = []) => signDevToken({ sub, roles, secret: JWT_SECRET, email: `${sub}@bench.example`, ttlSec: 24 * 3600 });
  return { customers: await Promise.all(Array.from({ length: customers }, (_, i) => sign(`bench-${i}`))), admin: await sign('bench-admin', ['admin']) };
}

/** Puts `count` products with ample stock into inventory and waits for order-service's catalog replica. */
export async function seedCatalog(system: RunningSystem, db: CountingPool, adminToken: string, count: number): Promise<string[]> {
  const skus = Array.from({ length: count }, (_, i) => `BENCH${String(i).padStart(3, '0')}`);
  for (const sku of skus) {
    const res = await fetch(`http://127.0.0.1:${system.inventoryHttp}/v1/products/${sku}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Bench product ${sku}`, price: { currency: 'USD', amountMinor: '1999' }, stock: '1000000000000' }),
    });
    if (!res.ok) throw new Error(`PUT /v1/products/${sku}: ${res.status} ${await res.text()}`);
  }
  await waitFor('the catalog replica in order-service', async () => {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM order_service.catalog_products WHERE sku = ANY($1)`, [skus]);
    return Number(rows[0]!.n) === skus.length;
  });
  return skus;
}
