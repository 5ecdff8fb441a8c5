import { TransactionRunner } from '#libs/database';
import { createTestDataSource, type TestDataSource } from '#libs/testing';
import { Notification } from '../../../domain/notification.aggregate.js';
import { toNotification } from './notification.mapper.js';
import { NotificationOrmEntity } from './notification.orm-entity.js';
import { NOTIFICATION_ENTITIES, NOTIFICATION_MIGRATIONS, NOTIFICATION_SCHEMA } from './notification-service.persistence.js';
import { TypeOrmNotificationRepository } from './typeorm-notification.repository.js';
import { TypeOrmTrackedOrders } from './typeorm-tracked-orders.js';

/** The notification table as the dispatcher's queue, against real PostgreSQL. */
let db: TestDataSource;
let repo: TypeOrmNotificationRepository;
let tx: TransactionRunner;
const T0 = new Date('2030-01-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

beforeAll(async () => {
  db = await createTestDataSource({ schema: NOTIFICATION_SCHEMA, entities: NOTIFICATION_ENTITIES, migrations: NOTIFICATION_MIGRATIONS, poolSize: 8 });
  tx = new TransactionRunner(db.dataSource);
  repo = new TypeOrmNotificationRepository(tx);
}, 60_000);

afterAll(async () => {
  await db?.close();
});

const stored = async (orderId: string): Promise<Notification[]> => (await db.dataSource.manager.findBy(NotificationOrmEntity, { orderId })).map(toNotification);

let n = 0;
function notification(orderId: string | null, kind: 'PAYMENT_CAPTURED' | 'PAYMENT_REMINDER' | 'DIRECT' = 'PAYMENT_CAPTURED', dueAt = T0): Notification {
  n += 1;
  return Notification.create({
    id: `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    orderId,
    customerId: 'alice',
    kind,
    recipient: { channel: 'email', address: 'alice@example.com' },
    content: { subject: 's', body: 'b' },
    now: T0,
    dueAt,
  });
}

it('keeps one notification per order and kind', async () => {
  expect(await repo.insertOnce(notification('o-1'))).toBe(true);
  expect(await repo.insertOnce(notification('o-1'))).toBe(false);
  expect(await repo.insertOnce(notification('o-1', 'PAYMENT_REMINDER'))).toBe(true);
  expect((await stored('o-1')).map((x) => x.snapshot().kind).sort()).toEqual(['PAYMENT_CAPTURED', 'PAYMENT_REMINDER']);
});

it('lets concurrent dispatchers (replicas) claim each due notification exactly once', async () => {
  const ids = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const x = notification(`race-${i}`);
    ids.add(x.id);
    await repo.insertOnce(x);
  }
  // Five replicas, each with its own connection, claiming batches of 4 until nothing is left.
  const replica = async (): Promise<string[]> => {
    const mine: string[] = [];
    for (;;) {
      const batch = await repo.claimDue(at(1), 4, 60_000);
      if (batch.length === 0) return mine;
      mine.push(...batch.map((b) => b.id));
    }
  };
  const claims = (await Promise.all([replica(), replica(), replica(), replica(), replica()])).flat().filter((id) => ids.has(id));
  expect(claims).toHaveLength(ids.size);
  expect(new Set(claims)).toEqual(ids);
  const rows: { n: number }[] = await db.dataSource.query(
    `SELECT count(*)::int AS n FROM ${NOTIFICATION_SCHEMA}.notifications WHERE order_id LIKE 'race-%' AND attempts = 1 AND lease_until = $1`,
    [at(60_001)],
  );
  expect(rows[0]!.n).toBe(40);
});

it('stores an outcome only for the attempt that still holds the notification, and cancels only what is not in flight', async () => {
  const reminder = notification('o-2', 'PAYMENT_REMINDER', at(10));
  await repo.insertOnce(reminder);
  expect(await repo.claimDue(at(5), 10, 1000)).toEqual([]);
  const [claimed] = (await repo.claimDue(at(10), 100, 1000)).filter((c) => c.id === reminder.id);
  expect(claimed?.attempts).toBe(1);
  expect(await repo.cancelPending('o-2', 'PAYMENT_REMINDER', 'ORDER_LEFT_RESERVED', at(500))).toBe(false);

  // The lease ran out; another replica took it over (attempt 2) before the first one finished.
  const [again] = (await repo.claimDue(at(1010), 100, 1000)).filter((c) => c.id === reminder.id);
  claimed!.markSent('late', at(1020));
  expect(await repo.completeAttempt(claimed!, 1)).toBe(false);
  again!.recordFailure('SMTP 451', at(1030), { mayRetryAfter: () => true, delayAfter: () => 5000 } as never);
  expect(await repo.completeAttempt(again!, 2)).toBe(true);
  expect(await repo.cancelPending('o-2', 'PAYMENT_REMINDER', 'ORDER_LEFT_RESERVED', at(1040))).toBe(true);
  const [reloaded] = await stored('o-2');
  expect(reloaded?.snapshot()).toMatchObject({ status: 'CANCELED', attempts: 2, lastError: 'ORDER_LEFT_RESERVED', leaseUntil: null });
});

it('merges order events whatever order they arrive in', async () => {
  const orders = new TypeOrmTrackedOrders(tx);
  const fact = { orderId: 'o-3', customerId: 'alice', contactEmail: '', occurredAt: T0 };
  await orders.record({ ...fact, status: 'PAID', seq: 3 });
  await orders.record({ ...fact, status: 'PENDING', seq: 1, contactEmail: 'alice@example.com' });
  expect(await orders.record({ ...fact, status: 'RESERVED', seq: 2, occurredAt: at(7) })).toEqual({
    orderId: 'o-3',
    customerId: 'alice',
    contactEmail: 'alice@example.com',
    status: 'PAID',
    statusSeq: 3,
    reservedAt: at(7),
  });
});
