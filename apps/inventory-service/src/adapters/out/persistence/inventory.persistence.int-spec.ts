import { TransactionRunner } from '#libs/database';
import { createTestDataSource, type TestDataSource } from '#libs/testing';
import type { DataSource } from 'typeorm';
import { FixedClock, InMemoryInventory, aProduct } from '../../../../test/fakes/index.js';
import { ConcurrentModificationError } from '../../../application/application.errors.js';
import { CommitStockCommand } from '../../../application/commands/commit-stock/commit-stock.command.js';
import { CommitStockHandler } from '../../../application/commands/commit-stock/commit-stock.handler.js';
import { ReleaseStockCommand } from '../../../application/commands/release-stock/release-stock.command.js';
import { ReleaseStockHandler } from '../../../application/commands/release-stock/release-stock.handler.js';
import { ReserveStockCommand } from '../../../application/commands/reserve-stock/reserve-stock.command.js';
import { ReserveStockHandler } from '../../../application/commands/reserve-stock/reserve-stock.handler.js';
import { UpsertProductCommand } from '../../../application/commands/upsert-product/upsert-product.command.js';
import { UpsertProductHandler } from '../../../application/commands/upsert-product/upsert-product.handler.js';
import { Money } from '../../../domain/money.js';
import { Product } from '../../../domain/product.aggregate.js';
import type { ReservationItem } from '../../../domain/reservation.aggregate.js';
import { Reservation } from '../../../domain/reservation.aggregate.js';
import { DEMO_CATALOG, seedDemoCatalog } from './demo-catalog.seed.js';
import { INVENTORY_ENTITIES, INVENTORY_MIGRATIONS, INVENTORY_SCHEMA } from './inventory-service.persistence.js';
import { TypeOrmProductRepository } from './typeorm-product.repository.js';
import { TypeOrmReservationRepository } from './typeorm-reservation.repository.js';
import { TypeOrmUnitOfWork } from './typeorm-unit-of-work.js';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const T1 = new Date('2030-01-02T03:04:05.678Z');

describe('inventory-service persistence (PostgreSQL)', () => {
  let db: TestDataSource;
  let dataSource: DataSource;
  let tx: TransactionRunner;
  let products: TypeOrmProductRepository;
  let reservations: TypeOrmReservationRepository;
  let unitOfWork: TypeOrmUnitOfWork;
  // Messages are the outbox adapter's business; here only their count matters.
  const messages = new InMemoryInventory().messages;
  const clock = new FixedClock(T0);

  const stockOf = async (sku: string) => {
    const [row] = await dataSource.query(`SELECT stock::int, reserved::int FROM inventory_service.products WHERE sku = $1`, [sku]);
    return row as { stock: number; reserved: number };
  };
  const reserveHandler = () => new ReserveStockHandler(unitOfWork, reservations, products, messages, clock);
  const reserve = (orderId: string, items: ReservationItem[]) => reserveHandler().execute(new ReserveStockCommand(orderId, items, false));
  const upsert = (sku: string, stock: number) =>
    new UpsertProductHandler(unitOfWork, products, messages, clock).execute(new UpsertProductCommand(sku, `Product ${sku}`, { currency: 'USD', amountMinor: 100n }, stock));

  beforeAll(async () => {
    db = await createTestDataSource({ schema: INVENTORY_SCHEMA, entities: INVENTORY_ENTITIES, migrations: INVENTORY_MIGRATIONS, poolSize: 12 });
    dataSource = db.dataSource;
    tx = new TransactionRunner(dataSource);
    products = new TypeOrmProductRepository(tx);
    reservations = new TypeOrmReservationRepository(tx);
    unitOfWork = new TypeOrmUnitOfWork(tx);
  });

  afterAll(() => db?.close());

  describe('repositories', () => {
    it('round-trips products and reservations', async () => {
      const big = aProduct('RT-1', Number.MAX_SAFE_INTEGER, { priceMinor: 2n ** 62n });
      await unitOfWork.run(() => products.insert(big));
      const loaded = await unitOfWork.run(() => products.lockBySkus(['RT-1', 'RT-missing']));
      expect([...loaded.keys()]).toEqual(['RT-1']);
      expect(loaded.get('RT-1')!.toSnapshot()).toEqual(big.toSnapshot());
      expect(loaded.get('RT-1')!.persistedVersion).toBe(1);

      const reservation = await unitOfWork.run(async () => {
        const held = await products.lockBySkus(['RT-1']);
        const r = Reservation.place({ orderId: 'rt-order', items: [{ sku: 'RT-1', qty: 5 }, { sku: 'RT-none', qty: 1 }], products: held, now: T0 });
        await reservations.insert(r);
        return r;
      });
      const stored = await unitOfWork.run(() => reservations.lockByOrderId('rt-order'));
      expect(stored!.toSnapshot()).toEqual(reservation.toSnapshot());
      expect(stored!.toSnapshot()).toMatchObject({ status: 'REJECTED', unavailableSkus: ['RT-none'] });
      expect(await unitOfWork.run(() => reservations.lockByOrderId('rt-nope'))).toBeNull();
      expect(await products.findBySkus([])).toEqual([]);
    });

    it('refuses a stale write with ConcurrentModificationError and writes nothing', async () => {
      await upsert('CM-1', 10);
      const first = (await products.findBySkus(['CM-1']))[0]!;
      const second = (await products.findBySkus(['CM-1']))[0]!;
      first.hold(1, T0);
      await unitOfWork.run(() => products.update([first]));

      second.hold(5, T0);
      await expect(unitOfWork.run(() => products.update([second]))).rejects.toBeInstanceOf(ConcurrentModificationError);
      expect(await stockOf('CM-1')).toEqual({ stock: 10, reserved: 1 });
    });

    it('writes several products in one update, each guarded by the version it was read at', async () => {
      await upsert('MU-A', 10);
      await upsert('MU-B', 10);
      const written = await unitOfWork.run(async () => {
        const held = await products.lockBySkus(['MU-B', 'MU-A']);
        held.get('MU-A')!.replace({ name: 'Renamed', unitPrice: Money.of(250n, 'EUR'), stock: 7 }, T1);
        held.get('MU-B')!.hold(3, T1);
        await products.update(held.values());
        return [...held.values()].map((p) => p.toSnapshot());
      });
      const stored = await unitOfWork.run(() => products.lockBySkus(['MU-A', 'MU-B']));
      expect([...stored.values()].map((p) => p.toSnapshot())).toEqual(written);

      // Both read at the same versions; then MU-B (second in the update) changes under them.
      const [a, b] = await products.findBySkus(['MU-A', 'MU-B']).then((ps) => ['MU-A', 'MU-B'].map((sku) => ps.find((p) => p.sku === sku)!));
      const [other] = await products.findBySkus(['MU-B']);
      other!.hold(1, T1);
      await unitOfWork.run(() => products.update([other!]));
      a!.hold(1, T1);
      b!.hold(1, T1);
      await expect(unitOfWork.run(() => products.update([a!, b!]))).rejects.toThrow(new ConcurrentModificationError('product MU-B'));
      expect(a!.isDirty && b!.isDirty).toBe(true);
      expect(await stockOf('MU-A')).toEqual({ stock: 7, reserved: 0 });
      expect(await stockOf('MU-B')).toEqual({ stock: 10, reserved: 4 });
    });

    it('writes one product given twice in a row, each write guarded by the one before', async () => {
      await upsert('TW-1', 10);
      const [first] = await products.findBySkus(['TW-1']);
      first!.hold(1, T1);
      const then = Product.restore(first!.toSnapshot());
      then.hold(2, T1);
      await unitOfWork.run(() => products.update([first!, then]));
      expect(await stockOf('TW-1')).toEqual({ stock: 10, reserved: 3 });
      expect(first!.isDirty || then.isDirty).toBe(false);
    });

    it('refuses a stale reservation write with ConcurrentModificationError and writes nothing', async () => {
      await upsert('RS-1', 10);
      await reserve('rs-order', [{ sku: 'RS-1', qty: 2 }]);
      const load = async () => {
        const r = (await unitOfWork.run(() => reservations.lockByOrderId('rs-order')))!;
        return { r, held: new Map((await products.findBySkus(['RS-1'])).map((p) => [p.sku, p])) };
      };
      const first = await load();
      const second = await load();
      first.r.release(first.held, 'first', T1);
      await unitOfWork.run(() => reservations.update(first.r));

      second.r.release(second.held, 'second', T1);
      await expect(unitOfWork.run(() => reservations.update(second.r))).rejects.toThrow(new ConcurrentModificationError('reservation rs-order'));
      const stored = (await unitOfWork.run(() => reservations.lockByOrderId('rs-order')))!;
      expect(stored.toSnapshot()).toEqual(first.r.toSnapshot());
      expect(stored.toSnapshot()).toMatchObject({ status: 'RELEASED', statusReason: 'first', version: 2, updateTime: T1 });
    });

    it('locks products in sku order, whatever order the rows are stored in', async () => {
      // Stored B before A; with index scans off the rows come in that physical order unless sorted.
      await upsert('LO-B', 10);
      await upsert('LO-A', 10);
      const holder = dataSource.createQueryRunner();
      await holder.connect();
      try {
        await holder.startTransaction();
        await holder.query(`SELECT 1 FROM inventory_service.products WHERE sku = 'LO-B' FOR UPDATE`);
        const locking = unitOfWork.run(async () => {
          await tx.manager().query('SET LOCAL enable_indexscan = off');
          await tx.manager().query('SET LOCAL enable_bitmapscan = off');
          return products.lockBySkus(['LO-B', 'LO-A']);
        });
        // Wait until it queues behind LO-B: by then it must already hold LO-A.
        const waiting = async () => {
          const [{ n }] = await dataSource.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          return n as number;
        };
        for (let i = 0; i < 200 && (await waiting()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        expect(await waiting()).toBe(1);
        const free = await dataSource.query(`SELECT sku FROM inventory_service.products WHERE sku = 'LO-A' FOR UPDATE SKIP LOCKED`);
        expect(free).toEqual([]);
        await holder.commitTransaction();
        expect([...(await locking).keys()]).toEqual(['LO-A', 'LO-B']);
      } finally {
        if (holder.isTransactionActive) await holder.rollbackTransaction();
        await holder.release();
      }
    });

    it('keeps 0 <= reserved <= stock in the table itself', async () => {
      await upsert('CK-1', 3);
      await expect(dataSource.query(`UPDATE inventory_service.products SET reserved = 4 WHERE sku = 'CK-1'`)).rejects.toThrow(/products_stock_check/);
      await expect(dataSource.query(`UPDATE inventory_service.products SET reserved = -1 WHERE sku = 'CK-1'`)).rejects.toThrow(/products_stock_check/);
    });

    it('takes locks only inside a unit of work', async () => {
      await expect(products.lockBySkus(['P'])).rejects.toThrow(/unit of work/);
      await expect(reservations.lockByOrderId('o')).rejects.toThrow(/unit of work/);
      await expect(products.lockForUpsert('P')).rejects.toThrow(/unit of work/);
    });

    it('rolls the whole unit of work back when one step fails', async () => {
      await upsert('RB-1', 10);
      await expect(
        unitOfWork.run(async () => {
          const held = await products.lockBySkus(['RB-1']);
          const r = Reservation.place({ orderId: 'rb-order', items: [{ sku: 'RB-1', qty: 2 }], products: held, now: T0 });
          await products.update(held.values());
          await reservations.insert(r);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await stockOf('RB-1')).toEqual({ stock: 10, reserved: 0 });
      expect(await unitOfWork.run(() => reservations.lockByOrderId('rb-order'))).toBeNull();
    });
  });

  describe('demo catalog', () => {
    it('seeds an empty catalog once, never over an existing one', async () => {
      const fresh = await createTestDataSource({ schema: INVENTORY_SCHEMA, entities: INVENTORY_ENTITIES, migrations: INVENTORY_MIGRATIONS });
      try {
        const results = await Promise.all([seedDemoCatalog(fresh.dataSource), seedDemoCatalog(fresh.dataSource)]);
        expect(results.flat().sort()).toEqual(DEMO_CATALOG.map((p) => p.sku));
        expect(await seedDemoCatalog(fresh.dataSource)).toEqual([]);
        const rows = await fresh.dataSource.query(`SELECT sku, unit_price_minor, stock::int, reserved::int FROM inventory_service.products WHERE sku IN ('P001', 'P002') ORDER BY sku`);
        expect(rows).toEqual([
          { sku: 'P001', unit_price_minor: '3350', stock: 1000, reserved: 0 },
          { sku: 'P002', unit_price_minor: '3350', stock: 1000, reserved: 0 },
        ]);
      } finally {
        await fresh.close();
      }
    });
  });

  describe('concurrency', () => {
    it('gives 50 racing orders of 1 unit exactly the 10 units in stock', async () => {
      await upsert('RACE-1', 10);

      const views = await Promise.all(Array.from({ length: 50 }, (_, i) => reserve(`race-${i}`, [{ sku: 'RACE-1', qty: 1 }])));

      expect(views.filter((v) => v.status === 'RESERVED')).toHaveLength(10);
      expect(views.filter((v) => v.status === 'REJECTED')).toHaveLength(40);
      expect(await stockOf('RACE-1')).toEqual({ stock: 10, reserved: 10 });
      const [{ held }] = await dataSource.query(
        `SELECT coalesce(sum((i->>'qty')::int), 0)::int AS held FROM inventory_service.reservations r, jsonb_array_elements(r.items) i
          WHERE r.status = 'RESERVED' AND i->>'sku' = 'RACE-1'`,
      );
      expect(held).toBe(10);
    });

    it('reserves an order once however many duplicates race, and refuses other items', async () => {
      await upsert('DUP-1', 100);
      const same = [{ sku: 'DUP-1', qty: 3 }];

      const outcomes = await Promise.allSettled([
        ...Array.from({ length: 10 }, () => reserve('dup-order', same)),
        reserve('dup-order', [{ sku: 'DUP-1', qty: 4 }]),
      ]);

      const answers = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      const conflicts = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code?: string }).code] : []));
      // Whichever came first holds; every other request is a repeat (same) or a conflict (other).
      expect(answers.length + conflicts.length).toBe(11);
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      expect(conflicts.every((c) => c === 'RESERVATION_ALREADY_EXISTS')).toBe(true);
      const { reserved } = await stockOf('DUP-1');
      expect([3, 4]).toContain(reserved);
      expect(answers[0]!.items[0]!.qty).toBe(reserved);
    });

    it('never deadlocks orders that take overlapping skus in opposite orders', async () => {
      await upsert('DL-A', 1000);
      await upsert('DL-B', 1000);
      const ab = [{ sku: 'DL-A', qty: 1 }, { sku: 'DL-B', qty: 1 }];
      const ba = [...ab].reverse();

      const views = await Promise.all(Array.from({ length: 40 }, (_, i) => reserve(`dl-${i}`, i % 2 ? ab : ba)));

      expect(views.every((v) => v.status === 'RESERVED')).toBe(true);
      expect(await stockOf('DL-A')).toEqual({ stock: 1000, reserved: 40 });
    });

    it('keeps stock consistent while reservations are reserved, released and committed at once', async () => {
      await upsert('MIX-1', 30);
      const release = new ReleaseStockHandler(unitOfWork, reservations, products, messages, clock);
      const commit = new CommitStockHandler(unitOfWork, reservations, products, messages, clock);
      await Promise.all(Array.from({ length: 20 }, (_, i) => reserve(`mix-${i}`, [{ sku: 'MIX-1', qty: 1 }])));

      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2
            ? release.execute(new ReleaseStockCommand(`mix-${i}`, 'cancel', false))
            : commit.execute(new CommitStockCommand(`mix-${i}`, false)),
        ).concat(Array.from({ length: 15 }, (_, i) => reserve(`mix-late-${i}`, [{ sku: 'MIX-1', qty: 1 }]))),
      );

      // 10 sold; of the 20 units left, the 15 late orders all fit.
      expect(await stockOf('MIX-1')).toEqual({ stock: 20, reserved: 15 });
    });
  });
});
