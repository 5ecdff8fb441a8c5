import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import { createDataSource, pendingMigrations, runMigrations } from './data-source.factory.js';
import { TransactionRunner } from './transaction-context.js';

class CreateNotes1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE tx_spec.notes (id int PRIMARY KEY, body text NOT NULL)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE tx_spec.notes');
  }
}

describe('TransactionRunner', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let tx: TransactionRunner;

  const insert = (id: number, body = `note ${id}`) => tx.manager().query('INSERT INTO tx_spec.notes VALUES ($1, $2)', [id, body]);
  const ids = async (): Promise<number[]> =>
    (await dataSource.query<{ id: number }[]>('SELECT id FROM tx_spec.notes ORDER BY id')).map((r) => r.id);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource({ url: db.url, schema: 'tx_spec', entities: [], migrations: [CreateNotes1700000000000] }).initialize();
    expect(await pendingMigrations(dataSource)).toEqual(['CreateNotes1700000000000']);
    expect(await runMigrations(dataSource)).toEqual(['CreateNotes1700000000000']);
    expect(await pendingMigrations(dataSource)).toEqual([]);
    tx = new TransactionRunner(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  beforeEach(() => dataSource.query('TRUNCATE tx_spec.notes'));

  it('commits when fn resolves and rolls everything back when it throws', async () => {
    await tx.run(async () => {
      await insert(1);
    });
    await expect(
      tx.run(async () => {
        await insert(2);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await ids()).toEqual([1]);
  });

  it('nested run() joins the ambient transaction, so an outer rollback undoes the inner write', async () => {
    const seen: boolean[] = [];
    await expect(
      tx.run(async (outer) => {
        await tx.run(async (inner) => {
          seen.push(inner === outer, tx.inTransaction(), tx.manager() === outer);
          await insert(3);
        });
        throw new Error('after inner');
      }),
    ).rejects.toThrow('after inner');
    expect(seen).toEqual([true, true, true]);
    expect(tx.inTransaction()).toBe(false);
    expect(tx.manager()).toBe(dataSource.manager);
    expect(await ids()).toEqual([]);
  });

  it('a runner over another DataSource does not join', async () => {
    const other = await createDataSource({ url: db.url, schema: 'tx_spec', entities: [], migrations: [] }).initialize();
    try {
      const otherTx = new TransactionRunner(other);
      await tx.run(async () => {
        expect(otherTx.inTransaction()).toBe(false);
        expect(new TransactionRunner(dataSource).inTransaction()).toBe(true);
      });
    } finally {
      await other.destroy();
    }
  });

  it('refuses to join with a different isolation level', async () => {
    await tx.run(async () => {
      await expect(tx.run(async () => 1, { isolation: 'SERIALIZABLE' })).rejects.toThrow(/cannot join/);
    });
    const level = await tx.run(
      async (m) => (await m.query<{ transaction_isolation: string }[]>('SHOW transaction_isolation'))[0]!.transaction_isolation,
      { isolation: 'SERIALIZABLE' },
    );
    expect(level).toBe('serializable');
  });

  it('savepoint() rolls back only its own work and keeps the transaction usable', async () => {
    await tx.run(async () => {
      await insert(1);
      await expect(
        tx.savepoint(async () => {
          await insert(2);
          await insert(1); // duplicate key: the transaction is aborted until rolled back to the savepoint
        }),
      ).rejects.toThrow(/duplicate key/);
      await tx.savepoint(async () => insert(4));
      await insert(5);
    });
    expect(await ids()).toEqual([1, 4, 5]);
  });

  it('savepoint() outside a transaction opens one', async () => {
    await expect(
      tx.savepoint(async () => {
        expect(tx.inTransaction()).toBe(true);
        await insert(7);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await ids()).toEqual([]);
  });

  describe('afterCommit', () => {
    it('runs callbacks after the outermost commit, before run() resolves', async () => {
      const log: string[] = [];
      await tx.run(async () => {
        await tx.run(async () => {
          tx.afterCommit(async () => {
            log.push(`committed, rows visible outside: ${(await ids()).join()}`);
          });
        });
        await insert(1);
        log.push('body done');
      });
      expect(log).toEqual(['body done', 'committed, rows visible outside: 1']);
    });

    it('never runs them after a rollback, nor those of a rolled-back savepoint', async () => {
      const ran: string[] = [];
      await expect(
        tx.run(async () => {
          tx.afterCommit(() => void ran.push('rolled back'));
          throw new Error('no');
        }),
      ).rejects.toThrow('no');
      await tx.run(async () => {
        tx.afterCommit(() => void ran.push('kept'));
        await tx
          .savepoint(async () => {
            tx.afterCommit(() => void ran.push('undone by savepoint'));
            throw new Error('refused');
          })
          .catch(() => undefined);
      });
      expect(ran).toEqual(['kept']);
    });

    it('runs at once outside a transaction, and reports callback errors without failing the commit', async () => {
      const errors: unknown[] = [];
      const runner = new TransactionRunner(dataSource, { onCallbackError: (e) => errors.push(e) });
      let ran = false;
      runner.afterCommit(() => {
        ran = true;
      });
      expect(ran).toBe(true);
      await runner.run(async () => {
        runner.afterCommit(() => {
          throw new Error('subscriber broke');
        });
        await insert(9);
      });
      expect(errors).toEqual([new Error('subscriber broke')]);
      expect(await ids()).toEqual([9]);
    });
  });
});
