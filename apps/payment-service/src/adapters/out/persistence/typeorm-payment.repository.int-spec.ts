import { TransactionRunner } from '#libs/database';
import { createTestDataSource, type TestDataSource } from '#libs/testing';
import { at, paymentIn } from '../../../../test/fakes/index.js';
import { ConcurrentModificationError, PaymentAttemptLiveError, PaymentIdConflictError } from '../../../application/application.errors.js';
import { TypeOrmGatewayCallbackInbox } from './typeorm-gateway-callback.inbox.js';
import { TypeOrmPaymentRepository } from './typeorm-payment.repository.js';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS, PAYMENT_SCHEMA } from './payment-service.persistence.js';

describe('TypeOrmPaymentRepository', () => {
  let db: TestDataSource;
  let tx: TransactionRunner;
  let payments: TypeOrmPaymentRepository;

  beforeAll(async () => {
    db = await createTestDataSource({ schema: PAYMENT_SCHEMA, entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS });
    tx = new TransactionRunner(db.dataSource);
    payments = new TypeOrmPaymentRepository(tx);
  }, 60_000);

  afterAll(() => db?.close());

  it('round-trips every field of a payment, bigints and millisecond times included', async () => {
    const payment = paymentIn('REFUNDED', { id: 'rt-1', orderId: 'order-rt' });
    await payments.insert(paymentIn('PROCESSING', { id: 'rt-1', orderId: 'order-rt' }));
    const stored = await payments.findById('rt-1');
    // Drive the stored one through the same steps so the update path is exercised too.
    stored!.recordOutcome({ operation: 'hold', succeeded: true, transactionId: 'txn-1' }, at(1));
    await payments.update(stored!);
    stored!.requestCapture(at(2));
    await payments.update(stored!);
    stored!.recordOutcome({ operation: 'capture', succeeded: true }, at(3));
    await payments.update(stored!);
    stored!.requestRefund('damaged', at(4));
    await payments.update(stored!);
    stored!.recordOutcome({ operation: 'refund', succeeded: true }, at(5));
    await payments.update(stored!);

    expect((await payments.findById('rt-1'))!.toSnapshot()).toEqual(payment.toSnapshot());
    expect((await payments.findById('rt-1'))!.persistedVersion).toBe(payment.version);
  });

  it('updates only from the version it read: a stale writer gets CONCURRENT_MODIFICATION', async () => {
    await payments.insert(paymentIn('HELD', { id: 'cm-1', orderId: 'order-cm' }));
    const first = (await payments.findById('cm-1'))!;
    const second = (await payments.findById('cm-1'))!;
    first.requestCapture(at(10));
    await payments.update(first);

    second.requestVoid('x', at(10));
    await expect(payments.update(second)).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect((await payments.findById('cm-1'))!.pendingOperation).toBe('capture');
  });

  it('allows one live attempt per order, enforced by the database', async () => {
    await payments.insert(paymentIn('FAILED', { id: 'la-0', orderId: 'order-la' }));
    await payments.insert(paymentIn('HELD', { id: 'la-1', orderId: 'order-la' }));

    const error = await payments.insert(paymentIn('PROCESSING', { id: 'la-2', orderId: 'order-la' })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PaymentAttemptLiveError);
    expect((error as PaymentAttemptLiveError).details).toEqual({ orderId: 'order-la', paymentId: 'la-1' });
    expect((await payments.findLiveByOrder('order-la'))!.id).toBe('la-1');
  });

  it('a lost insert race inside a transaction leaves it usable for the re-read', async () => {
    await payments.insert(paymentIn('PROCESSING', { id: 'race-1', orderId: 'order-race' }));

    const reread = await tx.run(async () => {
      await expect(payments.insert(paymentIn('PROCESSING', { id: 'race-1', orderId: 'order-race-2' }))).rejects.toBeInstanceOf(PaymentIdConflictError);
      return payments.findById('race-1');
    });

    expect(reread!.orderId).toBe('order-race');
  });

  it('finds the latest attempt of an order by creation time', async () => {
    await payments.insert(paymentIn('FAILED', { id: 'lt-1', orderId: 'order-lt', now: at(0) }));
    await payments.insert(paymentIn('FAILED', { id: 'lt-2', orderId: 'order-lt', now: at(60) }));
    await payments.insert(paymentIn('PROCESSING', { id: 'lt-0', orderId: 'order-lt', now: at(120) }));

    expect((await payments.findLatestByOrder('order-lt'))!.id).toBe('lt-0');
    expect(await payments.findLatestByOrder('order-none')).toBeNull();
  });

  it('the database refuses a refund above the captured amount', async () => {
    await payments.insert(paymentIn('HELD', { id: 'ck-1', orderId: 'order-ck' }));

    await expect(db.dataSource.query(`UPDATE payment_service.payments SET refunded_minor = 1 WHERE id = 'ck-1'`)).rejects.toThrow(/payments_money_check/);
  });
});

describe('TypeOrmGatewayCallbackInbox', () => {
  let db: TestDataSource;
  let tx: TransactionRunner;

  beforeAll(async () => {
    db = await createTestDataSource({ schema: PAYMENT_SCHEMA, entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS });
    tx = new TransactionRunner(db.dataSource);
  }, 60_000);

  afterAll(() => db?.close());

  it('claims a callback id once; a rolled-back claim is forgotten', async () => {
    const inbox = new TypeOrmGatewayCallbackInbox(tx);

    await expect(tx.run(async () => {
      expect(await inbox.claim('cb-1', 'pay-1')).toBe(true);
      throw new Error('rollback');
    })).rejects.toThrow('rollback');

    expect(await inbox.claim('cb-1', 'pay-1')).toBe(true);
    expect(await inbox.claim('cb-1', 'pay-1')).toBe(false);
  });
});
