import { Test } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import { DatabaseModule, SchemaNotCurrentError } from './database.module.js';

class CreateWidgets1700000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE startup_check.widgets (id int PRIMARY KEY)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE startup_check.widgets');
  }
}

class AddWidgetName1700000000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE startup_check.widgets ADD COLUMN name text');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE startup_check.widgets DROP COLUMN name');
  }
}

describe('DatabaseModule: the schema must be current at start', () => {
  let db: TestDatabase;
  const start = (migrations: MigrationInterface['constructor'][], migrationsRun = false) =>
    Test.createTestingModule({
      imports: [DatabaseModule.forRoot({ url: db.url, schema: 'startup_check', entities: [], migrations: migrations as never, migrationsRun, poolSize: 2 })],
    })
      .compile()
      .then((m) => m.init());

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('refuses a database never migrated, naming every pending migration and the command to run', async () => {
    const error = await start([CreateWidgets1700000000000]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaNotCurrentError);
    expect((error as Error).message).toMatch(/schema startup_check is not current: 1 migration\(s\) pending \(CreateWidgets1700000000000\).*npm run migrate/);
  });

  it('starts once migrated; refuses again when this build brings a new migration; accepts migrations it does not know', async () => {
    const migrated = await start([CreateWidgets1700000000000], true);
    await migrated.close();
    const current = await start([CreateWidgets1700000000000]);
    expect(current.get(DataSource).isInitialized).toBe(true);
    await current.close();
    await expect(start([CreateWidgets1700000000000, AddWidgetName1700000000001])).rejects.toThrow(/pending \(AddWidgetName1700000000001\)/);
    // A newer release migrated first (rolling deploy): this older build still starts.
    await (await start([CreateWidgets1700000000000, AddWidgetName1700000000001], true)).close();
    await (await start([CreateWidgets1700000000000])).close();
  });
});
