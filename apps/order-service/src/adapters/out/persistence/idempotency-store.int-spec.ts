import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransactionRunner } from '#libs/database';
import { DomainError } from '#libs/ddd';
import {
  IdempotencyKeyReusedError,
  IdempotencyStore,
  IdempotentRequestInProgressError,
  ReplayedError,
  type IdempotencyOptions,
  type IdempotencyScope,
} from '#libs/idempotency';
import { createTestDataSource, type TestDataSource } from '#libs/testing';
import type { EntityManager } from 'typeorm';
import { ORDER_ENTITIES, ORDER_MIGRATIONS, ORDER_SCHEMA } from './order-service.persistence.js';

class OutOfStockError extends DomainError {
  readonly code = 'OUT_OF_STOCK';
}

class InvalidRequestError extends DomainError {
  readonly code = 'INVALID_REQUEST';
  constructor(readonly violations: readonly { field: string; description: string }[]) {
    super(violations.map((v) => `${v.field}: ${v.description}`).join('; '));
  }
}

class ConcurrentModificationError extends DomainError {
  readonly code = 'CONCURRENT_MODIFICATION';
}

interface KeyRow {
  scope: string;
  key: string;
  request_hash: string;
  status: string;
  response: unknown;
  created_at: Date;
  expires_at: Date;
}

const OPTIONS: IdempotencyOptions = {
  schema: ORDER_SCHEMA,
  retentionHours: 24,
  waitMs: 5_000,
  transientCodes: ['CONCURRENT_MODIFICATION'],
};

describe('IdempotencyStore on PostgreSQL (order_service.idempotency_keys)', () => {
  let db: TestDataSource;
  let tx: TransactionRunner;
  let store: IdempotencyStore;

  beforeAll(async () => {
    db = await createTestDataSource({ schema: ORDER_SCHEMA, entities: ORDER_ENTITIES, migrations: ORDER_MIGRATIONS, poolSize: 10 });
    tx = new TransactionRunner(db.dataSource);
    store = new IdempotencyStore(tx, OPTIONS);
  });

  afterAll(() => db?.close());

  /** A fresh key per test, so the tests share the database without interfering. */
  function newId(overrides: Partial<IdempotencyScope> = {}): IdempotencyScope {
    return { scope: 'alice', key: `key-${randomUUID()}`, requestHash: 'hash-1', ...overrides };
  }

  async function keyRow(id: Pick<IdempotencyScope, 'scope' | 'key'>): Promise<KeyRow | undefined> {
    const rows: KeyRow[] = await db.dataSource.query(
      `SELECT * FROM ${ORDER_SCHEMA}.idempotency_keys WHERE scope = $1 AND key = $2`,
      [id.scope, id.key],
    );
    return rows[0];
  }

  async function insertProduct(manager: EntityManager, sku: string): Promise<void> {
    await manager.query(
      `INSERT INTO ${ORDER_SCHEMA}.catalog_products (sku, name, currency, unit_price_minor) VALUES ($1, 'Test product', 'USD', 100)`,
      [sku],
    );
  }

  async function productExists(sku: string): Promise<boolean> {
    const rows: unknown[] = await db.dataSource.query(`SELECT 1 FROM ${ORDER_SCHEMA}.catalog_products WHERE sku = $1`, [sku]);
    return rows.length > 0;
  }

  /** Work that counts its runs and writes a product row through the ambient transaction. */
  function countingWork<T>(result: (run: number) => T, sku?: string): { runs: () => number; work: () => Promise<T> } {
    let runs = 0;
    return {
      runs: () => runs,
      work: async () => {
        runs++;
        if (sku) await insertProduct(tx.manager(), sku);
        return result(runs);
      },
    };
  }

  async function caught(promise: Promise<unknown>): Promise<unknown> {
    try {
      await promise;
    } catch (error) {
      return error;
    }
    throw new Error('expected a rejection');
  }

  describe('a successful command', () => {
    it('runs the work once and stores its result with the key, for the retention period', async () => {
      const id = newId();
      const sku = `S-${randomUUID()}`;
      const { runs, work } = countingWork(() => ({ order: { id: 'o1', version: 1, amount: { currency: 'USD', amountMinor: '100' } } }), sku);

      const result = await store.once(id, work);

      expect(result).toEqual({ order: { id: 'o1', version: 1, amount: { currency: 'USD', amountMinor: '100' } } });
      expect(runs()).toBe(1);
      expect(await productExists(sku)).toBe(true);
      const row = await keyRow(id);
      expect(row).toMatchObject({
        request_hash: 'hash-1',
        status: 'COMPLETED',
        response: { result: { order: { id: 'o1', version: 1, amount: { currency: 'USD', amountMinor: '100' } } } },
      });
      const retentionMs = row!.expires_at.getTime() - row!.created_at.getTime();
      expect(retentionMs).toBe(24 * 3600 * 1000);
    });

    it('answers a repeat with the identical result, without running the work again', async () => {
      const id = newId();
      const { runs, work } = countingWork((run) => ({ run, at: '2026-01-01T00:00:00.000Z', items: [1, 2, 3], nothing: null }));

      const first = await store.once(id, work);
      const second = await store.once(id, work);
      const third = await store.once({ ...id }, work);

      expect(runs()).toBe(1);
      expect(second).toStrictEqual(first);
      expect(third).toStrictEqual(first);
      expect(second).toEqual({ run: 1, at: '2026-01-01T00:00:00.000Z', items: [1, 2, 3], nothing: null });
    });

    it.each([
      ['a string', 'ok'],
      ['a number', 42],
      ['null', null],
      ['an empty list', []],
    ])('replays %s as a result', async (_label, value) => {
      const id = newId();
      const { runs, work } = countingWork(() => value);
      expect(await store.once(id, work)).toStrictEqual(value);
      expect(await store.once(id, work)).toStrictEqual(value);
      expect(runs()).toBe(1);
    });

    it('refuses the same key for a different request with IdempotencyKeyReusedError, running nothing', async () => {
      const id = newId();
      const { runs, work } = countingWork(() => 'first');
      await store.once(id, work);

      const error = await caught(store.once({ ...id, requestHash: 'hash-2' }, work));

      expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
      expect(error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', details: { idempotencyKey: id.key } });
      expect(runs()).toBe(1);
      expect(await keyRow(id)).toMatchObject({ request_hash: 'hash-1', response: { result: 'first' } });
      // The original request still gets its answer.
      expect(await store.once(id, work)).toBe('first');
    });

    it('keeps the keys of different callers apart', async () => {
      const id = newId({ scope: 'alice' });
      const { runs, work } = countingWork((run) => `run ${run}`);

      expect(await store.once(id, work)).toBe('run 1');
      expect(await store.once({ ...id, scope: 'bob' }, work)).toBe('run 2');
      // A different caller may even send another request under the same key.
      expect(await store.once({ ...id, scope: 'carol', requestHash: 'other' }, work)).toBe('run 3');
      expect(await store.once({ ...id, scope: 'bob' }, work)).toBe('run 2');
      expect(runs()).toBe(3);
    });
  });

  describe('a command refused by the domain', () => {
    it('stores the error and replays it, rolling back the work’s writes but keeping the key', async () => {
      const id = newId();
      const sku = `S-${randomUUID()}`;
      let runs = 0;
      const work = async (): Promise<string> => {
        runs++;
        await insertProduct(tx.manager(), sku);
        throw new OutOfStockError('not enough P001 in stock', { sku: 'P001', available: '3' });
      };

      const first = await caught(store.once(id, work));
      const second = await caught(store.once(id, work));

      expect(runs).toBe(1);
      for (const error of [first, second]) {
        expect(error).toBeInstanceOf(ReplayedError);
        expect(error).toBeInstanceOf(DomainError);
        expect(error).toMatchObject({
          code: 'OUT_OF_STOCK',
          message: 'not enough P001 in stock',
          details: { sku: 'P001', available: '3' },
        });
        expect((error as ReplayedError).violations).toBeUndefined();
      }
      expect(await productExists(sku)).toBe(false);
      expect(await keyRow(id)).toMatchObject({
        status: 'COMPLETED',
        response: { error: { code: 'OUT_OF_STOCK', message: 'not enough P001 in stock', details: { sku: 'P001', available: '3' } } },
      });
    });

    it('replays field violations', async () => {
      const id = newId();
      const violations = [
        { field: 'items[0].qty', description: 'must be between 1 and 10000' },
        { field: 'customerId', description: 'is required' },
      ];
      let runs = 0;
      const work = async (): Promise<never> => {
        runs++;
        throw new InvalidRequestError(violations);
      };

      const first = (await caught(store.once(id, work))) as ReplayedError;
      const second = (await caught(store.once(id, work))) as ReplayedError;

      expect(runs).toBe(1);
      for (const error of [first, second]) {
        expect(error).toBeInstanceOf(ReplayedError);
        expect(error.code).toBe('INVALID_REQUEST');
        expect(error.message).toBe('items[0].qty: must be between 1 and 10000; customerId: is required');
        expect(error.details).toEqual({});
        expect(error.violations).toEqual(violations);
      }
    });

    it('still refuses a different request under the key of a stored error', async () => {
      const id = newId();
      await caught(store.once(id, () => Promise.reject(new OutOfStockError('no'))));
      expect(await caught(store.once({ ...id, requestHash: 'hash-2' }, () => Promise.resolve('x')))).toBeInstanceOf(IdempotencyKeyReusedError);
    });
  });

  describe('a failure that is not an answer', () => {
    it('a plain Error rolls back the work and the key, and is rethrown as is, so a retry runs', async () => {
      const id = newId();
      const sku = `S-${randomUUID()}`;
      const boom = new Error('connection reset');
      let runs = 0;
      const work = async (): Promise<string> => {
        runs++;
        await insertProduct(tx.manager(), sku);
        if (runs === 1) throw boom;
        return 'done';
      };

      expect(await caught(store.once(id, work))).toBe(boom);
      expect(await keyRow(id)).toBeUndefined();
      expect(await productExists(sku)).toBe(false);

      expect(await store.once(id, work)).toBe('done');
      expect(runs).toBe(2);
      expect(await productExists(sku)).toBe(true);
      expect(await keyRow(id)).toMatchObject({ status: 'COMPLETED', response: { result: 'done' } });
    });

    it('a transient domain code rolls back the work and the key, and is rethrown as is, so a retry runs', async () => {
      const id = newId();
      const sku = `S-${randomUUID()}`;
      const conflict = new ConcurrentModificationError('order o1 was modified concurrently', { orderId: 'o1' });
      let runs = 0;
      const work = async (): Promise<string> => {
        runs++;
        await insertProduct(tx.manager(), sku);
        if (runs === 1) throw conflict;
        return 'done';
      };

      const error = await caught(store.once(id, work));
      expect(error).toBe(conflict);
      expect(error).not.toBeInstanceOf(ReplayedError);
      expect(await keyRow(id)).toBeUndefined();
      expect(await productExists(sku)).toBe(false);

      expect(await store.once(id, work)).toBe('done');
      expect(runs).toBe(2);
    });

    it('a result that cannot be stored (not JSON) rolls everything back', async () => {
      const id = newId();
      const sku = `S-${randomUUID()}`;
      const work = async (): Promise<unknown> => {
        await insertProduct(tx.manager(), sku);
        return { amountMinor: 100n };
      };

      expect(await caught(store.once(id, work))).toBeInstanceOf(TypeError);
      expect(await keyRow(id)).toBeUndefined();
      expect(await productExists(sku)).toBe(false);
    });
  });

  describe('concurrent duplicates', () => {
    it('five calls at once with one key run the work exactly once, and all get its result', async () => {
      const id = newId();
      const sku = `S-${randomUUID()}`;
      let runs = 0;
      const work = async (): Promise<{ orderId: string }> => {
        runs++;
        await insertProduct(tx.manager(), sku);
        await sleep(200);
        return { orderId: `o-${runs}` };
      };

      const results = await Promise.all(Array.from({ length: 5 }, () => store.once({ ...id }, work)));

      expect(runs).toBe(1);
      expect(results).toEqual(Array.from({ length: 5 }, () => ({ orderId: 'o-1' })));
      const count: { n: number }[] = await db.dataSource.query(
        `SELECT count(*)::int AS n FROM ${ORDER_SCHEMA}.catalog_products WHERE sku = $1`,
        [sku],
      );
      expect(count[0]!.n).toBe(1);
    });

    it('concurrent calls with one key and a failing first attempt: another one runs, none duplicates', async () => {
      const id = newId();
      let runs = 0;
      const work = async (): Promise<string> => {
        const run = ++runs;
        await sleep(100);
        if (run === 1) throw new Error('first attempt crashed');
        return `run ${run}`;
      };

      const settled = await Promise.allSettled(Array.from({ length: 4 }, () => store.once({ ...id }, work)));

      expect(runs).toBe(2);
      expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(1);
      expect(settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<string>).value)).toEqual([
        'run 2',
        'run 2',
        'run 2',
      ]);
    });

    it('a duplicate waiting longer than waitMs gets IdempotentRequestInProgressError; the first still completes', async () => {
      const impatient = new IdempotencyStore(tx, { ...OPTIONS, waitMs: 150 });
      const id = newId();
      let runs = 0;
      const slow = async (): Promise<string> => {
        runs++;
        await sleep(1_500);
        return 'slow result';
      };

      const first = impatient.once(id, slow);
      await sleep(100);
      const started = Date.now();
      const duplicate = await caught(impatient.once(id, slow));
      const waited = Date.now() - started;

      expect(duplicate).toBeInstanceOf(IdempotentRequestInProgressError);
      expect(duplicate).toMatchObject({ code: 'IDEMPOTENT_REQUEST_IN_PROGRESS', details: { idempotencyKey: id.key } });
      expect(waited).toBeGreaterThanOrEqual(100);
      // Well before the first request ends: the duplicate gave up instead of waiting it out.
      expect(waited).toBeLessThan(1_000);
      expect(await first).toBe('slow result');
      expect(runs).toBe(1);
      // Once the first finished, a repeat gets its answer.
      expect(await impatient.once(id, slow)).toBe('slow result');
      expect(runs).toBe(1);
    });

    it('a waiting duplicate does not hold up other keys', async () => {
      const id = newId();
      const slow = store.once(id, async () => {
        await sleep(1_500);
        return 'slow';
      });
      await sleep(50);
      const started = Date.now();
      expect(await store.once(newId(), async () => 'fast')).toBe('fast');
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await slow).toBe('slow');
    });
  });

  describe('expiry', () => {
    async function expire(id: IdempotencyScope): Promise<void> {
      await db.dataSource.query(
        `UPDATE ${ORDER_SCHEMA}.idempotency_keys SET expires_at = now() - interval '1 minute', created_at = now() - interval '25 hours'
          WHERE scope = $1 AND key = $2`,
        [id.scope, id.key],
      );
    }

    it('reclaims an expired key: the work runs again and the key is renewed', async () => {
      const id = newId();
      const { runs, work } = countingWork((run) => `run ${run}`);
      await store.once(id, work);
      await expire(id);

      expect(await store.once(id, work)).toBe('run 2');
      expect(runs()).toBe(2);
      const row = await keyRow(id);
      expect(row).toMatchObject({ status: 'COMPLETED', response: { result: 'run 2' } });
      expect(row!.expires_at.getTime()).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
      expect(await store.once(id, work)).toBe('run 2');
    });

    it('reclaims an expired key for a different request, without IDEMPOTENCY_KEY_REUSED', async () => {
      const id = newId();
      const { runs, work } = countingWork((run) => `run ${run}`);
      await store.once(id, work);
      await expire(id);

      expect(await store.once({ ...id, requestHash: 'hash-2' }, work)).toBe('run 2');
      expect(runs()).toBe(2);
      expect(await keyRow(id)).toMatchObject({ request_hash: 'hash-2', response: { result: 'run 2' } });
    });

    it('reclaims an expired stored error', async () => {
      const id = newId();
      await caught(store.once(id, () => Promise.reject(new OutOfStockError('no stock'))));
      await expire(id);

      expect(await store.once(id, async () => 'now in stock')).toBe('now in stock');
    });

    it('an expired key whose reclaiming attempt fails stays as it was', async () => {
      const id = newId();
      await store.once(id, async () => 'old');
      await expire(id);

      await caught(store.once(id, () => Promise.reject(new Error('crash'))));

      expect(await keyRow(id)).toMatchObject({ status: 'COMPLETED', response: { result: 'old' } });
    });
  });

  describe('purgeExpired', () => {
    async function expireNow(id: IdempotencyScope): Promise<void> {
      await db.dataSource.query(
        `UPDATE ${ORDER_SCHEMA}.idempotency_keys SET expires_at = now() - interval '1 second' WHERE scope = $1 AND key = $2`,
        [id.scope, id.key],
      );
    }

    async function countKeys(where: 'expired' | 'all'): Promise<number> {
      const rows: { n: number }[] = await db.dataSource.query(
        `SELECT count(*)::int AS n FROM ${ORDER_SCHEMA}.idempotency_keys ${where === 'expired' ? 'WHERE expires_at < now()' : ''}`,
      );
      return rows[0]!.n;
    }

    it('deletes only keys past their retention, at most `limit` per call', async () => {
      const expired = [newId(), newId(), newId()];
      const live = newId();
      for (const id of [...expired, live]) await store.once(id, async () => 'x');
      for (const id of expired) await expireNow(id);
      const expiredBefore = await countKeys('expired');
      const allBefore = await countKeys('all');
      expect(expiredBefore).toBeGreaterThanOrEqual(3);

      await store.purgeExpired(1);
      expect(await countKeys('expired')).toBe(expiredBefore - 1);

      await store.purgeExpired(1000);
      expect(await countKeys('expired')).toBe(0);
      expect(await countKeys('all')).toBe(allBefore - expiredBefore);
      for (const id of expired) expect(await keyRow(id)).toBeUndefined();
      expect(await keyRow(live)).toMatchObject({ status: 'COMPLETED' });
    });

    it('returns how many keys it deleted', async () => {
      await store.purgeExpired(1000);
      const expired = [newId(), newId(), newId()];
      for (const id of expired) await store.once(id, async () => 'x');
      for (const id of expired) await expireNow(id);

      expect(await store.purgeExpired(1000)).toBe(3);
      expect(await store.purgeExpired(1000)).toBe(0);
    });

    it('a purged key is free: the work runs again', async () => {
      const id = newId();
      const { runs, work } = countingWork((run) => `run ${run}`);
      await store.once(id, work);
      await expireNow(id);
      await store.purgeExpired(1000);

      expect(await keyRow(id)).toBeUndefined();
      expect(await store.once(id, work)).toBe('run 2');
      expect(runs()).toBe(2);
    });
  });

  describe('the work’s own transactions', () => {
    it('run in the work joins the store’s transaction: its rows commit with the key', async () => {
      const id = newId();
      const sku = `S-${randomUUID()}`;
      let seenFromOutside: boolean | undefined;
      let keyVisibleFromOutside: boolean | undefined;

      await store.once(id, async () => {
        expect(tx.inTransaction()).toBe(true);
        await tx.run(async (manager) => insertProduct(manager, sku));
        // Another connection sees neither the claim nor the work's row before the commit.
        seenFromOutside = await productExists(sku);
        keyVisibleFromOutside = (await keyRow(id)) !== undefined;
        return 'ok';
      });

      expect(seenFromOutside).toBe(false);
      expect(keyVisibleFromOutside).toBe(false);
      expect(await productExists(sku)).toBe(true);
      expect(await keyRow(id)).toMatchObject({ status: 'COMPLETED' });
    });

    it('rows written by run in the work roll back with a refused command, the stored error stays', async () => {
      const id = newId();
      const sku = `S-${randomUUID()}`;

      const error = await caught(
        store.once(id, async () => {
          await tx.run(async (manager) => insertProduct(manager, sku));
          throw new OutOfStockError('no stock');
        }),
      );

      expect(error).toBeInstanceOf(ReplayedError);
      expect(await productExists(sku)).toBe(false);
      expect(await keyRow(id)).toMatchObject({ status: 'COMPLETED', response: { error: { code: 'OUT_OF_STOCK' } } });
    });

    it('rows written by run in the work roll back with the key on a crash', async () => {
      const id = newId();
      const sku = `S-${randomUUID()}`;

      await caught(
        store.once(id, async () => {
          await tx.run(async (manager) => insertProduct(manager, sku));
          throw new Error('crash after the write');
        }),
      );

      expect(await productExists(sku)).toBe(false);
      expect(await keyRow(id)).toBeUndefined();
    });

    it('afterCommit callbacks of a refused command are dropped, of a successful one run after the commit', async () => {
      const id = newId();
      const announced: string[] = [];

      await caught(
        store.once(id, async () => {
          tx.afterCommit(() => {
            announced.push('refused');
          });
          throw new OutOfStockError('no');
        }),
      );
      await store.once(newId(), async () => {
        tx.afterCommit(() => {
          announced.push('accepted');
        });
        return 'ok';
      });

      expect(announced).toEqual(['accepted']);
    });
  });

  describe('known gaps', () => {
    it('the claim’s lock timeout does not cut short the work’s own lock waits', async () => {
      const impatient = new IdempotencyStore(tx, { ...OPTIONS, waitMs: 150 });
      const sku = `L-${randomUUID()}`;
      await insertProduct(db.dataSource.manager, sku);
      const holder = db.dataSource.createQueryRunner();
      await holder.connect();
      try {
        await holder.startTransaction();
        await holder.query(`SELECT 1 FROM ${ORDER_SCHEMA}.catalog_products WHERE sku = $1 FOR UPDATE`, [sku]);
        const released = sleep(500).then(() => holder.commitTransaction());

        const result = impatient.once(newId(), async () => {
          await tx.manager().query(`UPDATE ${ORDER_SCHEMA}.catalog_products SET name = 'renamed' WHERE sku = $1`, [sku]);
          return 'renamed';
        });
        const [outcome] = await Promise.allSettled([result, released]);
        expect(outcome).toEqual({ status: 'fulfilled', value: 'renamed' });
      } finally {
        await holder.release();
      }
    });
  });
});
