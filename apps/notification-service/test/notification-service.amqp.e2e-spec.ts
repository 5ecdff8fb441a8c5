import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { eventsV1, timestampFromDate } from '#libs/contracts';
import type { RunningApp } from '#libs/edge';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import pg from 'pg';
import { NotificationTopology } from '../src/notification.module.js';
import { loadNotificationServiceConfig } from '../src/notification-service.config.js';
import { startNotificationService } from '../src/notification-service.app.js';
import { LocalSmtpServer } from './support/local-smtp.server.js';

/**
 * notification-service on a real RabbitMQ: events published to an events exchange of this run's
 * own (so parallel runs never meet), consumed from its queue through libs/messaging (inbox,
 * retries, dead letters), e-mail read at a local SMTP server. Everything declared is deleted.
 */
const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const RUN = randomUUID().slice(0, 8);
const TOPOLOGY = { eventsExchange: `oms.events.e2e-${RUN}`, eventsQueue: `notification-service.events.e2e-${RUN}` };
const SECRET = 'notification-amqp-e2e-secret-0123456789';

let db: TestDatabase;
let sql: pg.Pool;
let smtp: LocalSmtpServer;
let running: RunningApp;
let connection: ChannelModel;
let channel: Channel;

beforeAll(async () => {
  process.env.OMS_JWT_SECRET = SECRET;
  [db, smtp] = await Promise.all([createTestDatabase(), LocalSmtpServer.start()]);
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  const config = loadNotificationServiceConfig(
    { OMS_JWT_SECRET: SECRET, OMS_SMTP_URL: smtp.url, OMS_NOTIFICATION_POLL_MS: '50' },
    { databaseUrl: db.url, host: '127.0.0.1', httpPort: 0, grpcPort: 0, amqpUrl: AMQP_URL },
  );
  running = await startNotificationService(config, {
    selfProvision: true,
    shutdownHooks: false,
    logging: { level: process.env.LOG_LEVEL ?? 'silent' },
    tuning: { topology: TOPOLOGY },
  });
  connection = await connect(AMQP_URL);
  channel = await connection.createConfirmChannel();
}, 60_000);

afterAll(async () => {
  await running?.close();
  if (channel) {
    const queue = new NotificationTopology(TOPOLOGY).eventsQueue;
    for (const name of [queue, `${queue}.dlq`, ...[1, 2, 3].map((n) => `${queue}.retry.${n}`)]) await channel.deleteQueue(name).catch(() => undefined);
    await channel.deleteExchange(TOPOLOGY.eventsExchange).catch(() => undefined);
  }
  await connection?.close().catch(() => undefined);
  await Promise.all([sql?.end(), smtp?.stop()]);
  await db?.drop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Publishes an `order.status_changed` as order-service's relay would; returns its message id. */
async function publish(body: unknown, messageId: string = randomUUID(), orderId = 'x'): Promise<string> {
  const headers = { 'message-id': messageId, 'x-correlation-id': `corr-${RUN}`, 'schema-version': '1', 'x-aggregate-id': orderId };
  channel.publish(TOPOLOGY.eventsExchange, 'order.status_changed', Buffer.from(JSON.stringify(body)), {
    messageId,
    type: 'order.status_changed',
    contentType: 'application/json',
    persistent: true,
    headers,
  });
  await (channel as Channel & { waitForConfirms(): Promise<void> }).waitForConfirms();
  return messageId;
}

const event = (orderId: string, seq: number, newStatus: string, extra: Partial<eventsV1.OrderStatusChanged> = {}) =>
  eventsV1.OrderStatusChanged.toJSON({
    orderId,
    prevStatus: 'ORDER_STATUS_UNSPECIFIED' as never,
    newStatus: newStatus as never,
    reason: '',
    seq: String(seq),
    occurredAt: timestampFromDate(new Date()),
    schemaVersion: 1,
    customerId: 'rabbit',
    contactEmail: '',
    ...extra,
  });

it('consumes oms.events from its queue and sends each notice once, whatever is redelivered', async () => {
  const orderId = randomUUID();
  await publish(event(orderId, 1, 'ORDER_STATUS_PENDING', { contactEmail: 'rabbit@example.com' }), undefined, orderId);
  const canceled = event(orderId, 2, 'ORDER_STATUS_CANCELED', { reason: 'PAYMENT_TIMEOUT' });
  const first = await publish(canceled, undefined, orderId);
  const mail = await until('the e-mail', () => smtp.to('rabbit@example.com')[0]);
  expect(mail.text).toBe(`Your order ${orderId} has been canceled. Reason: PAYMENT_TIMEOUT (no payment was received in time).`);

  const again = randomUUID();
  await publish(canceled, first, orderId);
  await publish(canceled, again, orderId);
  await until('the republished event in the inbox', async () => {
    const { rows } = await sql.query(`SELECT 1 FROM notification_service.inbox WHERE message_id = $1`, [again]);
    return rows.length > 0 ? true : undefined;
  });
  await new Promise((r) => setTimeout(r, 300));
  expect(smtp.to('rabbit@example.com')).toHaveLength(1);
  const { rows } = await sql.query(`SELECT kind, status FROM notification_service.notifications WHERE order_id = $1`, [orderId]);
  expect(rows).toEqual([{ kind: 'ORDER_CANCELED', status: 'SENT' }]);
});

it('dead-letters an event it can never handle', async () => {
  const messageId = await publish({ orderId: 'o-bad', newStatus: 'ORDER_STATUS_PAID' });
  const dlq = `${TOPOLOGY.eventsQueue}.dlq`;
  const letter = await until('the dead letter', async () => {
    const m = await channel.get(dlq, { noAck: true });
    return m && m.properties.messageId === messageId ? m : undefined;
  });
  expect(letter.properties.headers?.['x-death-reason']).toBe('permanent');
});
