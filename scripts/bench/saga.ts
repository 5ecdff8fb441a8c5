import { randomUUID } from 'node:crypto';
import http from 'node:http';
import amqp from 'amqplib';
import { BacklogProbe, startSampling, type BacklogSample } from './backlog.js';
import type { CountingPool } from './infra.js';
import { backlogGrows, perSecond, summarize, type Completion, type LatencySummary, type SecondPoint } from './stats.js';

const SCHEMAS = ['order_service', 'inventory_service', 'payment_service', 'notification_service'] as const;
const TIMEOUT_MS = 30_000;
/** Seconds the drained system is watched idle, for its background commits/s. */
const IDLE_S = 8;

interface Seen {
  /** When the order-service committed the change (the event's occurredAt), epoch ms. */
  readonly occurredAt: number;
  /** When the event reached the bench, epoch ms. */
  readonly arrivedAt: number;
}

/**
 * Follows every order's status through `order.status_changed` on oms.events (a queue of the
 * bench's own, exclusive), so the driver learns of RESERVED and CONFIRMED without polling the API.
 */
class StatusWatcher {
  private readonly seen = new Map<string, Map<string, Seen>>();
  private readonly waiters = new Map<string, () => void>();
  private constructor(private readonly connection: amqp.ChannelModel) {}

  static async open(amqpUrl: string): Promise<StatusWatcher> {
    const connection = await amqp.connect(amqpUrl);
    const watcher = new StatusWatcher(connection);
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, 'oms.events', 'order.status_changed');
    await channel.consume(queue, (m) => m && watcher.onEvent(JSON.parse(m.content.toString('utf8'))), { noAck: true });
    return watcher;
  }

  private onEvent(event: { orderId: string; newStatus: string; occurredAt: string }): void {
    const status = event.newStatus.replace('ORDER_STATUS_', '');
    let statuses = this.seen.get(event.orderId);
    if (!statuses) this.seen.set(event.orderId, (statuses = new Map()));
    statuses.set(status, { occurredAt: Date.parse(event.occurredAt), arrivedAt: Date.now() });
    this.waiters.get(event.orderId)?.();
  }

  /** Resolves when the order reached `status`; rejects when it was CANCELED or after 30 s. */
  async wait(orderId: string, status: string): Promise<Seen> {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const statuses = this.seen.get(orderId);
      const hit = statuses?.get(status);
      if (hit) return hit;
      if (statuses?.has('CANCELED')) throw new Error(`order became CANCELED while waiting for ${status}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${status} within ${TIMEOUT_MS / 1000} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.set(orderId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters.delete(orderId);
    }
  }

  forget(orderId: string): void {
    this.seen.delete(orderId);
    this.waiters.delete(orderId);
  }

  close(): Promise<void> {
    return this.connection.close().catch(() => undefined);
  }
}

export interface PerOrderCosts {
  /**
   * PostgreSQL commits per confirmed order: pg_stat_database.xact_commit delta over the measured
   * window (read-only transactions included), the bench's own queries and the idle background
   * (pollers, relays, probes: `idleCommitsPerS`) taken out.
   */
  readonly commits: number;
  /** The same without taking the idle background out. */
  readonly commitsGross: number;
  /** Commits per second of the drained, idle system (the background every second costs). */
  readonly idleCommitsPerS: number;
  /** Outbox rows written per order, per schema and in total (= messages published to RabbitMQ). */
  readonly outboxMessages: Record<string, number> & { total: number };
  /** Inbox rows per order, per schema and in total (= deliveries handled by a consumer). */
  readonly inboxDeliveries: Record<string, number> & { total: number };
}

export interface SagaResult {
  readonly concurrency: number;
  readonly warmupS: number;
  readonly durationS: number;
  /** Orders that reached CONFIRMED within the measured window, and per second. */
  readonly confirmed: number;
  readonly throughput: number;
  readonly started: number;
  /** Orders the API created (the denominator of the outbox and inbox rows per order). */
  readonly created: number;
  readonly failed: number;
  readonly errorSamples: string[];
  /** Client's create request sent -> order-service committed RESERVED, ms. */
  readonly createToReserved: LatencySummary;
  /** Client's pay request sent -> order-service committed CONFIRMED, ms. */
  readonly payToConfirmed: LatencySummary;
  /** `:pay` sent -> its answer (it answers once the payment is decided: CAPTURED here). */
  readonly payAnswered: LatencySummary;
  /** Commit -> event seen by the bench (outbox relay + broker), ms. */
  readonly eventLag: LatencySummary;
  /** Per second of the measured window: confirmed/s and p50/p99 of create -> CONFIRMED. */
  readonly series: SecondPoint[];
  readonly backlog: BacklogSample[];
  readonly backlogGrows: boolean;
  readonly drainS: number;
  readonly perOrder: PerOrderCosts;
}

export interface SagaOptions {
  readonly httpPort: number;
  readonly amqpUrl: string;
  readonly db: CountingPool;
  readonly tokens: readonly string[];
  readonly skus: readonly string[];
  readonly concurrency: number;
  readonly warmupS: number;
  readonly durationS: number;
}

/**
 * End-to-end saga throughput, closed loop: `concurrency` customers each create an order (REST),
 * wait for RESERVED, pay it with a card that succeeds (PayOrder answers once the payment is
 * captured), wait for CONFIRMED, and start over, for warm-up + duration. Throughput counts the
 * orders CONFIRMED inside the measured window; the backlog (outbox, queues, due notifications,
 * PENDING orders) is sampled every second; commits per order come from pg_stat_database over the
 * same window; outbox and inbox rows per order from the row counts before and after (drained).
 */
export async function runSaga(options: SagaOptions): Promise<SagaResult> {
  const { db } = options;
  const watcher = await StatusWatcher.open(options.amqpUrl);
  const probe = await BacklogProbe.open(db, options.amqpUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  try {
    await probe.drain();
    const rowsBefore = await messageRows(db);
    const idleStart = await xactCommits(db);
    const idleT0 = Date.now();
    await sleepUntil(idleT0 + IDLE_S * 1000);
    const idleEnd = await xactCommits(db);
    const idleCommitsPerS = (idleEnd.commits - idleStart.commits - (idleEnd.own - idleStart.own)) / ((Date.now() - idleT0) / 1000);
    const t0 = Date.now();
    const windowStart = t0 + options.warmupS * 1000;
    const windowEnd = windowStart + options.durationS * 1000;
    const createToReserved: number[] = [];
    const payToConfirmed: number[] = [];
    const payAnswered: number[] = [];
    const eventLag: number[] = [];
    const completions: Completion[] = [];
    const errors = new Set<string>();
    let started = 0;
    let createdOrders = 0;
    let failed = 0;
    let confirmed = 0;

    let commitsAtStart: { commits: number; own: number } | undefined;
    let commitsAtEnd: { commits: number; own: number } | undefined;
    const snapshots = (async () => {
      await sleepUntil(windowStart);
      commitsAtStart = await xactCommits(db);
      await sleepUntil(windowEnd);
      commitsAtEnd = await xactCommits(db);
    })();
    const sampler = startSampling(probe);

    const call = (method: string, path: string, token: string, body: unknown) => request(agent, options.httpPort, method, path, token, body);
    const customer = async (worker: number) => {
      const token = options.tokens[worker % options.tokens.length]!;
      while (Date.now() < windowEnd) {
        started++;
        const sku = options.skus[(worker + started) % options.skus.length]!;
        const createdAt = Date.now();
        let id: string | undefined;
        try {
          const created = await call('POST', '/v1/orders', token, { items: [{ sku, qty: 1 }] });
          id = created.order.id as string;
          createdOrders++;
          const reserved = await watcher.wait(id, 'RESERVED');
          const paidAt = Date.now();
          await call('POST', `/v1/orders/${id}:pay`, token, {
            paymentMethod: 'credit_card',
            paymentDetails: { cardNumber: '4242424242424242', expiryDate: '12/39', cvv: '123' },
          });
          const answeredAt = Date.now();
          const done = await watcher.wait(id, 'CONFIRMED');
          if (done.arrivedAt >= windowStart && done.arrivedAt <= windowEnd) {
            confirmed++;
            completions.push({ endMs: done.arrivedAt - windowStart, latencyMs: done.occurredAt - createdAt, ok: true });
          }
          if (createdAt >= windowStart) {
            createToReserved.push(reserved.occurredAt - createdAt);
            payToConfirmed.push(done.occurredAt - paidAt);
            payAnswered.push(answeredAt - paidAt);
            eventLag.push(reserved.arrivedAt - reserved.occurredAt, done.arrivedAt - done.occurredAt);
          }
        } catch (error) {
          failed++;
          if (errors.size < 5) errors.add(error instanceof Error ? error.message : String(error));
        } finally {
          if (id) watcher.forget(id);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, (_, i) => customer(i)));
    await snapshots;
    const backlog = await sampler.stop();
    const drainS = await probe.drain();
    const rowsAfter = await messageRows(db);

    const ownQueries = commitsAtEnd!.own - commitsAtStart!.own;
    const windowCommits = commitsAtEnd!.commits - commitsAtStart!.commits - ownQueries;
    const perOrder = (before: Record<string, number>, after: Record<string, number>) => {
      const per: Record<string, number> = {};
      for (const key of Object.keys(after)) per[key] = (after[key]! - before[key]!) / createdOrders;
      return { ...per, total: Object.values(per).reduce((a, b) => a + b, 0) };
    };
    return {
      concurrency: options.concurrency,
      warmupS: options.warmupS,
      durationS: options.durationS,
      confirmed,
      throughput: confirmed / options.durationS,
      started,
      created: createdOrders,
      failed,
      errorSamples: [...errors],
      createToReserved: summarize(createToReserved),
      payToConfirmed: summarize(payToConfirmed),
      payAnswered: summarize(payAnswered),
      eventLag: summarize(eventLag),
      series: perSecond(completions, options.durationS),
      backlog,
      backlogGrows: backlogGrows(backlog.filter((s) => s.t >= options.warmupS).map((s) => ({ t: s.t, total: s.total }))),
      drainS,
      perOrder: {
        commits: (windowCommits - idleCommitsPerS * options.durationS) / confirmed,
        commitsGross: windowCommits / confirmed,
        idleCommitsPerS,
        outboxMessages: perOrder(rowsBefore.outbox, rowsAfter.outbox), inboxDeliveries: perOrder(rowsBefore.inbox, rowsAfter.inbox) },
    };
  } finally {
    agent.destroy();
    await watcher.close();
    await probe.close();
  }
}

async function xactCommits(db: CountingPool): Promise<{ commits: number; own: number }> {
  const own = db.queries;
  const { rows } = await db.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()');
  return { commits: Number(rows[0]!.n), own };
}

async function messageRows(db: CountingPool): Promise<{ outbox: Record<string, number>; inbox: Record<string, number> }> {
  const cols = SCHEMAS.flatMap((s) => [`(SELECT count(*) FROM ${s}.outbox) AS ${s}_outbox`, `(SELECT count(*) FROM ${s}.inbox) AS ${s}_inbox`]);
  const { rows } = await db.query(`SELECT ${cols.join(', ')}`);
  const row = rows[0] as Record<string, string>;
  return {
    outbox: Object.fromEntries(SCHEMAS.map((s) => [s, Number(row[`${s}_outbox`])])),
    inbox: Object.fromEntries(SCHEMAS.map((s) => [s, Number(row[`${s}_inbox`])])),
  };
}

function sleepUntil(epochMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));
}

/** A JSON call to the OMS REST API with a fresh Idempotency-Key; rejects unless 2xx. */
function request(agent: http.Agent, port: number, method: string, path: string, token: string, body: unknown): Promise<{ order: { id: string } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent,
        timeout: TIMEOUT_MS,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode! >= 200 && res.statusCode! < 300) resolve(JSON.parse(text));
          else reject(new Error(`${method} ${path.replace(/[0-9a-f-]{36}/, '{id}')}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
    req.end(JSON.stringify(body));
  });
}
