import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { signDevToken } from '#libs/auth';
import { createTestDatabase, type TestDatabase, freePort } from '#libs/testing';
import pg from 'pg';

/**
 * The multi-process mode on this machine, for suites that run it for real: any number of
 * replicas of each service (the built `dist/` entry points) over one fresh PostgreSQL database
 * and the machine's RabbitMQ in a virtual host of the cluster's own, plus a queue bound to
 * `oms.events` recording every public event in arrival order.
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AMQP_BASE = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SECRET = 'service-cluster-secret-0123456789abcdef';

export const SERVICES = ['order-service', 'inventory-service', 'payment-service', 'notification-service'] as const;
export type Service = (typeof SERVICES)[number];

export interface Replica {
  readonly service: Service;
  readonly index: number;
  readonly http: number;
  readonly grpc: number;
  child?: ChildProcess;
  extraEnv: NodeJS.ProcessEnv;
}

export interface RecordedEvent {
  readonly routingKey: string;
  /** proto3 JSON, asserted field by field. */
  readonly body: any;
}

/** Where PostgreSQL (the cluster's database) and RabbitMQ (the cluster's vhost) are reached. */
export interface ServiceUrls {
  readonly databaseUrl: string;
  readonly amqpUrl: string;
}

export interface ClusterOptions {
  /** Replicas per service (default 1 each). */
  readonly replicas?: Partial<Record<Service, number>>;
  /** Environment of every service. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * How the services reach PostgreSQL and RabbitMQ, given the direct URLs (which name the
   * cluster's fresh database and vhost): e.g. through a fault-injecting proxy. The test's own
   * side (the `sql` pool, the migration, the event recorder) keeps the direct URLs, so a fault
   * meant for the services never blinds the test.
   */
  readonly serviceUrls?: (direct: ServiceUrls) => ServiceUrls | Promise<ServiceUrls>;
}

export class ServiceCluster {
  readonly events: RecordedEvent[] = [];
  admin = '';
  private constructor(
    readonly db: TestDatabase,
    readonly sql: pg.Pool,
    readonly vhost: string,
    readonly env: NodeJS.ProcessEnv,
    readonly replicas: Replica[],
    /** The cluster's vhost, reached directly (whatever `serviceUrls` gave the services). */
    readonly amqpUrl: string,
    private readonly dataDir: string,
    private events$?: amqp.ChannelModel,
  ) {}

  static async start(options: ClusterOptions = {}): Promise<ServiceCluster> {
    const vhost = `oms-cluster-${randomUUID().slice(0, 8)}`;
    rabbitmqctl('add_vhost', vhost);
    rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
    const db = await createTestDatabase();
    const sql = new pg.Pool({ connectionString: db.url, max: 4 });
    const dataDir = await mkdtemp(join(tmpdir(), 'oms-cluster-'));
    const replicas: Replica[] = [];
    for (const service of SERVICES) {
      for (let index = 0; index < (options.replicas?.[service] ?? 1); index++) {
        replicas.push({ service, index, http: await freePort(), grpc: await freePort(), extraEnv: {} });
      }
    }
    const payment = replicas.find((r) => r.service === 'payment-service')!;
    const direct: ServiceUrls = { databaseUrl: db.url, amqpUrl: `${AMQP_BASE}/${vhost}` };
    const routed = (await options.serviceUrls?.(direct)) ?? direct;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      DATABASE_URL: routed.databaseUrl,
      AMQP_URL: routed.amqpUrl,
      OMS_JWT_SECRET: SECRET,
      OMS_SIGNING_SECRET: 'service-cluster-signing-0123456789abcdef',
      OMS_GATEWAY_LATENCY_MS: '20',
      // Holds go to the first payment replica; in Kubernetes, to the Service in front of them all.
      OMS_PAYMENT_GRPC_ADDRESS: `127.0.0.1:${payment.grpc}`,
      OMS_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    execFileSync(process.execPath, ['dist/scripts/migrate.js'], { cwd: ROOT, env: { ...env, DATABASE_URL: direct.databaseUrl }, stdio: 'ignore' });
    const cluster = new ServiceCluster(db, sql, vhost, env, replicas, direct.amqpUrl, dataDir);
    await cluster.recordEvents();
    for (const replica of replicas) cluster.startReplica(replica);
    await Promise.all(replicas.map((r) => cluster.ready(r)));
    cluster.admin = await cluster.token('root', ['admin']);
    return cluster;
  }

  /** The replicas of one service. */
  of(service: Service): Replica[] {
    return this.replicas.filter((r) => r.service === service);
  }

  token(sub: string, roles: string[] = []): Promise<string> {
    return signDevToken({ sub, roles, secret: SECRET, email: `${sub}@example.com` });
  }

  startReplica(replica: Replica, extraEnv: NodeJS.ProcessEnv = replica.extraEnv): ChildProcess {
    replica.extraEnv = extraEnv;
    replica.child = spawn(process.execPath, [`dist/apps/${replica.service}/src/main.js`], {
      cwd: ROOT,
      env: { ...this.env, PORT: String(replica.http), GRPC_PORT: String(replica.grpc), ...extraEnv },
      stdio: ['ignore', process.env.OMS_CLUSTER_LOGS ? 'inherit' : 'ignore', 'inherit'],
    });
    return replica.child;
  }

  /** Waits until the replica's `/health/ready` answers 200. */
  async ready(replica: Replica, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await this.isReady(replica)) return;
      await sleep(100);
    }
    throw new Error(`${replica.service}#${replica.index} never became ready`);
  }

  isReady(replica: Replica): Promise<boolean> {
    return fetch(`http://127.0.0.1:${replica.http}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
  }

  /** Signals the replica and resolves with its exit code once it has exited. */
  async stopReplica(replica: Replica, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = replica.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }

  /** A JSON request to a replica (the first of the service by default). */
  async call(
    target: Service | Replica,
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const replica = typeof target === 'string' ? this.of(target)[0]! : target;
    const res = await fetch(`http://127.0.0.1:${replica.http}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  /** A product with `stock` units, once order-service's catalog replica knows it. */
  async product(stock: number, sku = `M${randomUUID().slice(0, 8)}`): Promise<string> {
    const put = await this.call('inventory-service', 'PUT', `/v1/products/${sku}`, this.admin, { name: sku, price: { currency: 'USD', amountMinor: '500' }, stock });
    if (put.status !== 200) throw new Error(`product ${sku}: ${put.status} ${JSON.stringify(put.body)}`);
    await until(`${sku} in order-service's catalog`, async () => {
      const { rows } = await this.sql.query(`SELECT 1 FROM order_service.catalog_products WHERE sku = $1`, [sku]);
      return rows.length > 0 ? true : undefined;
    });
    return sku;
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => this.stopReplica(r, 'SIGKILL')));
    await this.events$?.close().catch(() => undefined);
    await this.sql.end();
    await this.db.drop();
    await rm(this.dataDir, { recursive: true, force: true });
    try {
      rabbitmqctl('delete_vhost', this.vhost);
    } catch {
      // Best effort: a vhost left behind holds no messages of anyone else.
    }
  }

  private async recordEvents(): Promise<void> {
    const connection = await amqp.connect(this.amqpUrl);
    // A broker restart closes it (recording stops there); unheard, that 'error' would crash the test.
    connection.on('error', () => undefined);
    const channel = await connection.createChannel();
    await channel.assertExchange('oms.events', 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'oms.events', '#.status_changed');
    await channel.consume(queue, (m) => m && this.events.push({ routingKey: m.fields.routingKey, body: JSON.parse(m.content.toString()) }), { noAck: true });
    this.events$ = connection;
  }
}

export function rabbitmqctl(...args: string[]): void {
  execFileSync('rabbitmqctl', args, { stdio: 'ignore' });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

