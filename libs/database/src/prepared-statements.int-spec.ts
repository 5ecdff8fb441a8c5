import { createTestDatabase, type TestDatabase } from '#libs/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.factory.js';
import { preparedStatementsFromEnv } from './prepared-statements.js';

describe('prepared statements', () => {
  let db: TestDatabase;
  const open: DataSource[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(open.map((d) => d.destroy()));
    await db?.drop();
  });

  /** What one connection of the DataSource has prepared, after running `sql` twice on it. */
  async function preparedAfter(preparedStatements: boolean, sql: string, params: unknown[]): Promise<{ statement: string }[]> {
    const dataSource = createDataSource({ url: db.url, schema: 'public', entities: [], migrations: [], poolSize: 1, preparedStatements });
    open.push(await dataSource.initialize());
    const runner = dataSource.createQueryRunner();
    try {
      expect(await runner.query(sql, params)).toEqual([{ answer: 42 }]);
      expect(await runner.query(sql, params)).toEqual([{ answer: 42 }]);
      return await runner.query(`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'oms_%'`);
    } finally {
      await runner.release();
    }
  }

  it('prepares a statement with parameters once per connection and reuses it', async () => {
    const sql = 'SELECT $1::int + $2::int AS answer';
    expect(await preparedAfter(true, sql, [40, 2])).toEqual([{ statement: sql }]);
  });

  it('sends statements without parameters as they are', async () => {
    expect(await preparedAfter(true, 'SELECT 42 AS answer', [])).toEqual([]);
  });

  it('prepares nothing when turned off', async () => {
    expect(await preparedAfter(false, 'SELECT $1::int + $2::int AS answer', [40, 2])).toEqual([]);
  });

  it('reads OMS_PG_PREPARED_STATEMENTS: on by default, off on request, anything else refused', () => {
    expect(preparedStatementsFromEnv({})).toBe(true);
    expect(preparedStatementsFromEnv({ OMS_PG_PREPARED_STATEMENTS: 'off' })).toBe(false);
    expect(() => preparedStatementsFromEnv({ OMS_PG_PREPARED_STATEMENTS: 'yes' })).toThrow(/on or off/);
  });
});
