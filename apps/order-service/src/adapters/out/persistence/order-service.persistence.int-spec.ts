import { Test } from '@nestjs/testing';
import { pendingMigrations, TransactionRunner } from '#libs/database';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import { DataSource } from 'typeorm';
import { Catalog } from '../../../application/ports/catalog.port.js';
import { OrderRepository } from '../../../application/ports/order.repository.port.js';
import { OrderPersistenceModule } from './order-service.persistence.js';
import { TypeOrmCatalogAdapter } from './typeorm-catalog.adapter.js';
import { TypeOrmOrderRepository } from './typeorm-order.repository.js';

describe('OrderPersistenceModule', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(() => db?.drop());

  it('migrates, seeds, provides the adapters and closes its pool on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [OrderPersistenceModule.forRoot({ url: db.url, migrationsRun: true, seedDemoCatalog: true, poolSize: 2 })],
    }).compile();
    const app = await moduleRef.init();

    const dataSource = app.get(DataSource);
    expect(await pendingMigrations(dataSource)).toEqual([]);
    expect(app.get(OrderRepository)).toBeInstanceOf(TypeOrmOrderRepository);
    expect(app.get(Catalog)).toBeInstanceOf(TypeOrmCatalogAdapter);
    expect(app.get(TransactionRunner)).toBeInstanceOf(TransactionRunner);
    expect((await app.get(Catalog).findBySkus(['P001'])).get('P001')?.name).toBe('Wireless Mouse');
    const [{ application_name }] = await dataSource.query<{ application_name: string }[]>('SHOW application_name');
    expect(application_name).toBe('oms:order-service');

    await app.close();
    expect(dataSource.isInitialized).toBe(false);
  });
});
