import amqp from 'amqplib';
import type { CountingPool } from './infra.js';
import { sleep } from './infra.js';

/** The service queues of the design (docs/messaging.md). */
export const SERVICE_QUEUES = [
  'order-service.replies',
  'order-service.catalog',
  'inventory-service.commands',
  'payment-service.commands',
  'notification-service.events',
] as const;
const SCHEMAS = ['order_service', 'inventory_service', 'payment_service', 'notification_service'] as const;

export interface BacklogSample {
  /** Seconds since the sampler's phase started. */
  readonly t: number;
  /** Unpublished outbox rows per schema. */
  readonly outbox: Record<string, number>;
  /** Ready + unacknowledged messages per queue (passive declare: no management plugin). */
  readonly queues: Record<string, number>;
  /** Notifications due and not yet sent (notification-service's send queue). */
  readonly notificationsDue: number;
  /** Orders still PENDING (created, reservation not answered). */
  readonly pendingOrders: number;
  readonly total: number;
}

/** Reads the backlog: outbox rows (one SQL transaction) and queue depths (AMQP passive declares). */
export class BacklogProbe {
  private constructor(
    private readonly db: CountingPool,
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.Channel,
  ) {}

  static async open(db: CountingPool, amqpUrl: string): Promise<BacklogProbe> {
    const connection = await amqp.connect(amqpUrl);
    return new BacklogProbe(db, connection, await connection.createChannel());
  }

  async sample(t: number): Promise<BacklogSample> {
    const outboxSql = SCHEMAS.map((s) => `(SELECT count(*) FROM ${s}.outbox WHERE published_at IS NULL) AS ${s}`).join(', ');
    const { rows } = await this.db.query(
      `SELECT ${outboxSql},
              (SELECT count(*) FROM notification_service.notifications WHERE status = 'PENDING' AND due_at <= now()) AS notifications_due,
              (SELECT count(*) FROM order_service.orders WHERE status = 'PENDING') AS pending_orders`,
    );
    const row = rows[0] as Record<string, string>;
    const outbox = Object.fromEntries(SCHEMAS.map((s) => [s, Number(row[s])]));
    const queues: Record<string, number> = {};
    for (const q of SERVICE_QUEUES) {
      // Unacked messages are not in messageCount; consumers prefetch, so this is the waiting part.
      queues[q] = (await this.channel.checkQueue(q)).messageCount;
    }
    const notificationsDue = Number(row.notifications_due);
    const pendingOrders = Number(row.pending_orders);
    const total = Object.values(outbox).reduce((a, b) => a + b, 0) + Object.values(queues).reduce((a, b) => a + b, 0) + notificationsDue + pendingOrders;
    return { t, outbox, queues, notificationsDue, pendingOrders, total };
  }

  /** Waits until nothing is left to do (backlog 0 twice in a row), up to `timeoutMs`; returns the seconds it took. */
  async drain(timeoutMs = 120_000): Promise<number> {
    const started = Date.now();
    let zeros = 0;
    while (zeros < 2) {
      if (Date.now() - started > timeoutMs) throw new Error(`the system did not drain its backlog within ${timeoutMs / 1000} s`);
      zeros = (await this.sample(0)).total === 0 ? zeros + 1 : 0;
      await sleep(250);
    }
    return (Date.now() - started) / 1000;
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/** Samples every `everyMs` until stopped; returns the samples. */
export function startSampling(probe: BacklogProbe, everyMs = 1000): { stop(): Promise<BacklogSample[]> } {
  const samples: BacklogSample[] = [];
  const t0 = Date.now();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      samples.push(await probe.sample((Date.now() - t0) / 1000));
      await sleep(everyMs);
    }
  })();
  // A failed sample (e.g. the broker closed the probe's connection) is reported by stop(), where
  // the phase fails and the bench cleans up; left unhandled until then it would kill the process.
  loop.catch(() => undefined);
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}
