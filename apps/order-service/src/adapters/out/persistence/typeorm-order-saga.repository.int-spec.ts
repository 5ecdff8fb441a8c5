import { TransactionRunner } from '#libs/database';
import { createTestDataSource, type TestDataSource } from '#libs/testing';
import type { OrderSagaState } from '../../../application/saga/order-saga.state.js';
import { ORDER_ENTITIES, ORDER_MIGRATIONS, ORDER_SCHEMA } from './order-service.persistence.js';
import { TypeOrmOrderSagaRepository } from './typeorm-order-saga.repository.js';

describe('TypeOrmOrderSagaRepository (PostgreSQL)', () => {
  let db: TestDataSource;
  let tx: TransactionRunner;
  let repo: TypeOrmOrderSagaRepository;

  const anOrder = (id: string) =>
    db.dataSource.query(
      `INSERT INTO order_service.orders (id, customer_id, status, currency, amount_minor, items, version, status_seq, payment_seq, create_time, update_time)
       VALUES ($1, 'c1', 'PENDING', 'USD', 100, '[]', 1, 1, 0, now(), now())`,
      [id],
    );
  const saga = (orderId: string, patch: Partial<OrderSagaState> = {}): OrderSagaState => ({
    orderId,
    phase: 'RESERVING',
    paymentId: null,
    pending: [],
    deadline: null,
    paymentDeadline: null,
    ...patch,
  });
  const setEnteredAt = (orderId: string, at: string) =>
    db.dataSource.query(`UPDATE order_service.order_sagas SET phase_entered_at = $2 WHERE order_id = $1`, [orderId, at]);

  beforeAll(async () => {
    db = await createTestDataSource({ schema: ORDER_SCHEMA, entities: ORDER_ENTITIES, migrations: ORDER_MIGRATIONS, poolSize: 4 });
    tx = new TransactionRunner(db.dataSource);
    repo = new TypeOrmOrderSagaRepository(tx);
  });
  afterAll(() => db?.close());

  it('remembers when the saga entered its phase: kept while the phase stays, reset when it changes', async () => {
    await anOrder('s1');
    await tx.run(() => repo.insert(saga('s1')));
    await setEnteredAt('s1', '2030-01-01T00:00:00Z');
    const first = await tx.run(() => repo.lock('s1'));
    expect(first).toMatchObject({ phase: 'RESERVING', enteredAt: new Date('2030-01-01T00:00:00Z') });

    await tx.run(() => repo.update(saga('s1', { deadline: new Date('2030-01-01T00:05:00Z') })));
    expect((await repo.find('s1'))!.enteredAt).toEqual(new Date('2030-01-01T00:00:00Z'));

    await tx.run(() => repo.update(saga('s1', { phase: 'AWAITING_PAYMENT' })));
    const moved = await repo.find('s1');
    expect(moved!.phase).toBe('AWAITING_PAYMENT');
    expect(Math.abs(moved!.enteredAt!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('hands each due saga to one locker only (SKIP LOCKED)', async () => {
    for (const id of ['d1', 'd2']) {
      await anOrder(id);
      await tx.run(() => repo.insert(saga(id, { deadline: new Date('2000-01-01T00:00:00Z') })));
    }
    const seen: string[][] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = tx.run(async () => {
      seen.push(await repo.lockDue(new Date(), 1));
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    await tx.run(async () => seen.push(await repo.lockDue(new Date(), 5)));
    release();
    await first;
    expect(seen[0]).toHaveLength(1);
    expect(seen[1]).toEqual(['d1', 'd2'].filter((id) => id !== seen[0]![0]));
  });
});
