import { randomUUID } from 'node:crypto';
import { signDevToken } from '#libs/auth';
import { eventsV1, timestampFromDate } from '#libs/contracts';
import type { RunningApp } from '#libs/edge';
import { sharedInProcessBroker } from '#libs/messaging';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { loadNotificationServiceConfig } from '../src/notification-service.config.js';
import { startNotificationService } from '../src/notification-service.app.js';
import { LocalSmtpServer } from './support/local-smtp.server.js';

/**
 * notification-service as its own process (its main.ts wiring, in-process broker), fed with
 * `oms.events` messages as order-service publishes them, sending to a real local SMTP server.
 */
const SECRET = 'notification-service-e2e-secret-0123456789';
let db: TestDatabase;
let sql: pg.Pool;
let smtp: LocalSmtpServer;
let running: RunningApp;
let service: string;

beforeAll(async () => {
  process.env.OMS_JWT_SECRET = SECRET;
  [db, smtp] = await Promise.all([createTestDatabase(), LocalSmtpServer.start()]);
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  const config = loadNotificationServiceConfig(
    { OMS_JWT_SECRET: SECRET, OMS_SMTP_URL: smtp.url, OMS_NOTIFICATION_POLL_MS: '50' },
    { databaseUrl: db.url, host: '127.0.0.1', httpPort: 0, grpcPort: 0, amqpUrl: undefined },
  );
  running = await startNotificationService(config, { selfProvision: true, shutdownHooks: false, logging: { level: process.env.LOG_LEVEL ?? 'silent' } });
  service = await signDevToken({ sub: 'order-service', roles: ['service'], secret: SECRET });
}, 60_000);

afterAll(async () => {
  await running?.close();
  await Promise.all([sql?.end(), smtp?.stop()]);
  await db?.drop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function orderEvent(orderId: string, seq: number, newStatus: string, extra: Partial<eventsV1.OrderStatusChanged> = {}) {
  const messageId = uuidv7();
  const payload = eventsV1.OrderStatusChanged.toJSON({
    orderId,
    prevStatus: 'ORDER_STATUS_UNSPECIFIED' as never,
    newStatus: newStatus as never,
    reason: '',
    seq: String(seq),
    occurredAt: timestampFromDate(new Date()),
    schemaVersion: 1,
    customerId: 'dora',
    contactEmail: '',
    ...extra,
  });
  return { messageId, exchange: 'oms.events', routingKey: 'order.status_changed', payload, aggregateId: orderId, headers: { 'message-id': messageId, 'schema-version': '1' } };
}

it('serves on its own ports and turns oms.events into e-mail', async () => {
  const orderId = randomUUID();
  const broker = sharedInProcessBroker();
  expect(await broker.publish(orderEvent(orderId, 1, 'ORDER_STATUS_PENDING', { contactEmail: 'dora@example.com' }))).toMatchObject({ ok: true });
  expect(await broker.publish(orderEvent(orderId, 2, 'ORDER_STATUS_CANCELED', { reason: 'INSUFFICIENT_STOCK' }))).toMatchObject({ ok: true });
  const mail = await until('the e-mail', () => smtp.to('dora@example.com')[0]);
  expect(mail.text).toBe(`Your order ${orderId} has been canceled. Reason: INSUFFICIENT_STOCK (some items are out of stock).`);
  // A malformed event is dead-lettered at once, not retried.
  const bad = orderEvent(orderId, 0, 'ORDER_STATUS_PAID');
  expect(await broker.publish(bad)).toMatchObject({ ok: true });
  expect(broker.deadLetters('notification-service.events').map((d) => d.delivery.messageId)).toContain(bad.messageId);
  const { rows } = await sql.query(`SELECT kind, status FROM notification_service.notifications WHERE order_id = $1`, [orderId]);
  expect(rows).toEqual([{ kind: 'ORDER_CANCELED', status: 'SENT' }]);
});

it('answers the legacy route in the seed shape, body framing included', async () => {
  const post = (body: string, type = 'application/json', token = service) =>
    fetch(`${running.httpUrl}/api/notification/send`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body }).then(
      async (r) => ({ status: r.status, body: await r.json() }),
    );
  expect(await post('{"userId": ')).toEqual({ status: 400, body: { code: 400, message: 'the request body is not valid JSON' } });
  expect(await post('userId=1', 'application/x-www-form-urlencoded')).toEqual({
    status: 415,
    body: { code: 415, message: 'the request body must be JSON (Content-Type: application/json)' },
  });
  expect(await post(JSON.stringify({ userId: 123456, notificationType: 'email', subject: 's', message: 'm' }))).toEqual({
    status: 404,
    body: { code: 404, message: 'customer 123456 has no e-mail address on file' },
  });
  const health = await fetch(`${running.httpUrl}/health/ready`);
  expect(health.status).toBe(200);
});
