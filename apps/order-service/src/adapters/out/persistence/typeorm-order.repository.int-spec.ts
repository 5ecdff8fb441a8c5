import { TransactionRunner } from '#libs/database';
import { RequestContext } from '#libs/observability';
import { createTestDataSource, type TestDataSource } from '#libs/testing';
import type { DataSource } from 'typeorm';
import { ConcurrentModificationError } from '../../../application/application.errors.js';
import type { OrderListCriteria } from '../../../application/ports/order.repository.port.js';
import { Money } from '../../../domain/money.js';
import { Order } from '../../../domain/order.aggregate.js';
import type { OrderStatus } from '../../../domain/order-status.js';
import { ORDER_ENTITIES, ORDER_MIGRATIONS, ORDER_SCHEMA } from './order-service.persistence.js';
import { OutboxMessageOrmEntity } from './outbox-message.orm-entity.js';
import { orderListQuery, TypeOrmOrderRepository } from './typeorm-order.repository.js';

const T0 = new Date('2026-11-21T10:00:00.123Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const usd = (minor: bigint) => Money.of(minor, 'USD');

let nextId = 0;
function newOrder(props: { customerId?: string; now?: Date; id?: string } = {}): Order {
  return Order.create({
    id: props.id ?? `ord-${String(++nextId).padStart(4, '0')}`,
    customerId: props.customerId ?? 'cust-1',
    items: [
      { sku: 'P001', qty: 2, unitPrice: usd(3350n) },
      { sku: 'P002', qty: 1, unitPrice: usd(3350n) },
    ],
    now: props.now ?? T0,
  });
}

function pay(order: Order, now: Date): void {
  order.startPayment({ paymentId: `pay-${order.id}`, provider: 'simulated', method: 'credit_card', cardBrand: 'visa', cardLast4: '4242', now });
}

describe('TypeOrmOrderRepository', () => {
  let db: TestDataSource;
  let dataSource: DataSource;
  let tx: TransactionRunner;
  let repo: TypeOrmOrderRepository;

  const outboxOf = (orderId: string) =>
    dataSource.getRepository(OutboxMessageOrmEntity).find({ where: { aggregateId: orderId }, order: { id: 'ASC' } });

  beforeAll(async () => {
    db = await createTestDataSource({ schema: ORDER_SCHEMA, entities: ORDER_ENTITIES, migrations: ORDER_MIGRATIONS });
    dataSource = db.dataSource;
    tx = new TransactionRunner(dataSource);
    repo = new TypeOrmOrderRepository(tx);
  });

  afterAll(() => db?.close());

  it('round-trips an order, bigint amounts and payment included', async () => {
    const order = Order.create({
      id: 'ord-roundtrip',
      customerId: 'cust-rt',
      // Beyond 2^53: only exact if int8 travels as a string and becomes a bigint again.
      items: [{ sku: 'P-BIG', qty: 3, unitPrice: usd(2n ** 60n + 7n) }],
      now: T0,
    });
    await repo.insert(order);
    order.markReserved(at(1));
    pay(order, at(2));
    order.markPaymentFailed('PAYMENT_DECLINED', at(3));
    await repo.update(order);

    const loaded = await repo.findById('ord-roundtrip');
    expect(loaded?.toSnapshot()).toEqual(order.toSnapshot());
    expect(loaded?.amount.amountMinor).toBe(3n * (2n ** 60n + 7n));
    expect(loaded?.payment).toMatchObject({ status: 'FAILED', failureReason: 'PAYMENT_DECLINED', cardLast4: '4242' });
    expect(loaded?.persistedVersion).toBe(order.version);
    expect(loaded?.peekEvents()).toEqual([]);
    expect(await repo.findById('ord-missing')).toBeNull();
  });

  it('marks the order persisted and forgets its events after a write', async () => {
    const order = newOrder();
    await repo.insert(order);
    expect(order.peekEvents()).toEqual([]);
    order.markReserved(at(1));
    expect(order.persistedVersion).toBe(1);
    await repo.update(order);
    expect(order.persistedVersion).toBe(2);
    expect(order.peekEvents()).toEqual([]);
  });

  it('refuses a stale update with ConcurrentModificationError and writes nothing', async () => {
    const created = newOrder();
    await repo.insert(created);
    const first = (await repo.findById(created.id))!;
    const second = (await repo.findById(created.id))!;
    first.markReserved(at(1));
    await repo.update(first);

    second.cancel('CANCELED_BY_CUSTOMER', at(2));
    await expect(repo.update(second)).rejects.toBeInstanceOf(ConcurrentModificationError);

    const stored = (await repo.findById(created.id))!;
    expect(stored.status).toBe('RESERVED');
    expect(stored.version).toBe(2);
    expect((await outboxOf(created.id)).map((m) => m.payload.newStatus)).toEqual(['ORDER_STATUS_PENDING', 'ORDER_STATUS_RESERVED']);
    // The loser keeps its state and events: nothing was written for it.
    expect(second.persistedVersion).toBe(1);
    expect(second.peekEvents()).toHaveLength(1);
  });

  describe('outbox', () => {
    it('writes one message per event with gap-free seq per event type, in the request’s correlation', async () => {
      const order = newOrder({ customerId: 'cust-ob' });
      const context = { correlationId: 'corr-outbox-1', subject: 'cust-ob', email: 'buyer@example.com' };
      await RequestContext.run({ ...context }, () => repo.insert(order));
      await RequestContext.run({ ...context, correlationId: 'corr-outbox-2' }, async () => {
        order.markReserved(at(1));
        pay(order, at(2));
        order.markPaymentHeld(at(3));
        await repo.update(order);
        order.markPaid('txn-9', at(4));
        order.markConfirmed(at(5));
        await repo.update(order);
      });

      const messages = await outboxOf(order.id);
      const bySeq = (key: string) => messages.filter((m) => m.routingKey === key).map((m) => m.payload.seq);
      expect(bySeq('order.status_changed')).toEqual(['1', '2', '3', '4']);
      expect(bySeq('payment.status_changed')).toEqual(['1', '2', '3']);
      expect(messages.map((m) => m.headers['x-correlation-id'])).toEqual([
        'corr-outbox-1',
        ...Array<string>(6).fill('corr-outbox-2'),
      ]);
      for (const m of messages) {
        expect(m).toMatchObject({ exchange: 'oms.events', aggregateId: order.id, publishedAt: null });
        expect(m.headers).toEqual({
          'x-correlation-id': expect.any(String),
          'message-id': m.messageId,
          'schema-version': '1',
          traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
        });
        expect(m.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }

      expect(messages[0]!.payload).toEqual({
        orderId: order.id,
        newStatus: 'ORDER_STATUS_PENDING',
        seq: '1',
        occurredAt: '2026-11-21T10:00:00.123Z',
        schemaVersion: 1,
        customerId: 'cust-ob',
        contactEmail: 'buyer@example.com',
      });
      expect(messages.find((m) => m.routingKey === 'payment.status_changed' && m.payload.newStatus === 'PAYMENT_STATUS_CAPTURED')!.payload).toEqual({
        orderId: order.id,
        paymentId: `pay-${order.id}`,
        prevStatus: 'PAYMENT_STATUS_HELD',
        newStatus: 'PAYMENT_STATUS_CAPTURED',
        provider: 'simulated',
        externalId: 'txn-9',
        seq: '3',
        occurredAt: '2026-11-21T10:00:04.123Z',
        schemaVersion: 1,
      });
      // Only the creation event names the contact, so an admin's later action never leaks theirs.
      expect(messages.slice(1).every((m) => !('contactEmail' in m.payload))).toBe(true);
    });

    it('carries the failure reason of a declined payment', async () => {
      const order = newOrder();
      await repo.insert(order);
      order.markReserved(at(1));
      pay(order, at(2));
      order.markPaymentFailed('INSUFFICIENT_FUNDS', at(3));
      await repo.update(order);
      const failed = (await outboxOf(order.id)).find((m) => m.payload.newStatus === 'PAYMENT_STATUS_FAILED');
      expect(failed?.payload).toMatchObject({ prevStatus: 'PAYMENT_STATUS_PROCESSING', failureReason: 'INSUFFICIENT_FUNDS', seq: '2' });
    });

    it('generates one correlation id per write outside a request', async () => {
      const order = newOrder();
      await repo.insert(order);
      order.markReserved(at(1));
      pay(order, at(2));
      await repo.update(order);
      const [created, ...updated] = (await outboxOf(order.id)).map((m) => m.headers['x-correlation-id']);
      expect(created).toMatch(/^[0-9a-f-]{36}$/);
      expect(updated).toHaveLength(2);
      expect(new Set(updated).size).toBe(1);
      expect(updated[0]).not.toBe(created);
    });
  });

  describe('transactions', () => {
    it('leaves neither the order nor its outbox rows when the caller’s transaction rolls back', async () => {
      const order = newOrder();
      await expect(
        tx.run(async () => {
          await repo.insert(order);
          expect(await repo.findById(order.id)).not.toBeNull();
          throw new Error('handler failed after saving');
        }),
      ).rejects.toThrow('handler failed after saving');
      expect(await repo.findById(order.id)).toBeNull();
      expect(await outboxOf(order.id)).toEqual([]);
    });

    it('rolls back only the work of a failed savepoint', async () => {
      const kept = newOrder();
      const undone = newOrder();
      await tx.run(async () => {
        await repo.insert(kept);
        await expect(
          tx.savepoint(async () => {
            await repo.insert(undone);
            throw new Error('refused');
          }),
        ).rejects.toThrow('refused');
      });
      expect(await repo.findById(kept.id)).not.toBeNull();
      expect(await outboxOf(kept.id)).toHaveLength(1);
      expect(await repo.findById(undone.id)).toBeNull();
      expect(await outboxOf(undone.id)).toEqual([]);
    });
  });

  describe('list', () => {
    const customers = ['cust-a', 'cust-b'];
    const statuses: OrderStatus[] = ['PENDING', 'RESERVED', 'CANCELED'];
    interface Row { id: string; customerId: string; status: OrderStatus; createTime: Date }
    const rows: Row[] = [];

    beforeAll(async () => {
      // Shared timestamps on purpose: ties must be broken by id, newest (largest) first.
      for (let i = 0; i < 30; i++) {
        const order = newOrder({ id: `list-${String(i).padStart(2, '0')}`, customerId: customers[i % 2], now: at(1000 + Math.floor(i / 3)) });
        const status = statuses[i % 3]!;
        if (status === 'RESERVED') order.markReserved(at(2000));
        if (status === 'CANCELED') order.cancel('INSUFFICIENT_STOCK', at(2000));
        await repo.insert(order);
        rows.push({ id: order.id, customerId: order.customerId, status, createTime: order.createTime });
      }
      await dataSource.query(`ANALYZE ${ORDER_SCHEMA}.orders`);
    });

    const listAll = async (criteria: Omit<OrderListCriteria, 'after' | 'limit'>, limit: number) => {
      const seen: string[] = [];
      let after: OrderListCriteria['after'];
      for (let page = 0; page < 100; page++) {
        const orders = await repo.list({ ...criteria, after, limit });
        expect(orders.length).toBeLessThanOrEqual(limit);
        seen.push(...orders.map((o) => o.id));
        if (orders.length < limit) return seen;
        const last = orders.at(-1)!;
        after = { createTime: last.createTime, id: last.id };
      }
      throw new Error('did not terminate');
    };

    const expected = (filter: (r: Row) => boolean) =>
      rows
        .filter(filter)
        .sort((x, y) => y.createTime.getTime() - x.createTime.getTime() || (x.id < y.id ? 1 : -1))
        .map((r) => r.id);

    it.each([
      ['no filter', {}],
      ['a customer', { customerId: 'cust-a' }],
      ['a status', { status: 'RESERVED' as const }],
      ['a customer and a status', { customerId: 'cust-b', status: 'CANCELED' as const }],
    ])('pages newest first without duplicates or gaps, filtered by %s', async (_label, criteria: Omit<OrderListCriteria, 'after' | 'limit'>) => {
      const isListRow = (r: Row) =>
        r.id.startsWith('list-') &&
        (criteria.customerId === undefined || r.customerId === criteria.customerId) &&
        (criteria.status === undefined || r.status === criteria.status);
      for (const limit of [1, 4, 7]) {
        const ids = (await listAll(criteria, limit)).filter((id) => id.startsWith('list-'));
        expect(ids).toEqual(expected(isListRow));
      }
    });

    it('does not skip orders created while paging', async () => {
      const first = await repo.list({ customerId: 'cust-late', limit: 1 });
      expect(first).toEqual([]);
      await repo.insert(newOrder({ id: 'late-1', customerId: 'cust-late', now: at(3000) }));
      await repo.insert(newOrder({ id: 'late-2', customerId: 'cust-late', now: at(3000) }));
      const page1 = await repo.list({ customerId: 'cust-late', limit: 1 });
      expect(page1.map((o) => o.id)).toEqual(['late-2']);
      // Created between pages, newer than the cursor: it belongs to a fresh listing, not this one.
      await repo.insert(newOrder({ id: 'late-3', customerId: 'cust-late', now: at(3001) }));
      const page2 = await repo.list({ customerId: 'cust-late', limit: 1, after: { createTime: page1[0]!.createTime, id: 'late-2' } });
      expect(page2.map((o) => o.id)).toEqual(['late-1']);
    });

    it.each([
      [{}, 'orders_created_idx'],
      [{ customerId: 'cust-a' }, 'orders_customer_created_idx'],
      [{ status: 'RESERVED' as const }, 'orders_status_created_idx'],
      [{ customerId: 'cust-a', status: 'RESERVED' as const }, 'orders_customer_status_created_idx'],
    ])('serves %j from %s without sorting', async (criteria: Omit<OrderListCriteria, 'after' | 'limit'>, index: string) => {
      const [sql, params] = orderListQuery(dataSource.manager, { ...criteria, after: { createTime: at(1005), id: 'list-15' }, limit: 5 }).getQueryAndParameters();
      const plan = await tx.run(async (manager) => {
        // The table is tiny, so scanning it all and sorting is cheapest here. With those options
        // off the planner shows the plan a large table gets: the index delivers rows in page order.
        await manager.query('SET LOCAL enable_seqscan = off');
        await manager.query('SET LOCAL enable_bitmapscan = off');
        return JSON.stringify(await manager.query(`EXPLAIN (FORMAT JSON) ${sql}`, params));
      });
      expect(plan).toContain(`"Index Name":"${index}"`);
      expect(plan).not.toContain('"Node Type":"Sort"');
    });
  });
});
