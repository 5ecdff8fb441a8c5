import { TransactionRunner } from '#libs/database';
import { createTestDataSource, type TestDataSource } from '#libs/testing';
import { Money } from '../../../domain/money.js';
import { CatalogProductOrmEntity } from './catalog-product.orm-entity.js';
import { DEMO_CATALOG, seedDemoCatalog } from './demo-catalog.seed.js';
import { ORDER_ENTITIES, ORDER_MIGRATIONS, ORDER_SCHEMA } from './order-service.persistence.js';
import { TypeOrmCatalogAdapter } from './typeorm-catalog.adapter.js';

describe('TypeOrmCatalogAdapter and the demo catalog', () => {
  let db: TestDataSource;
  let catalog: TypeOrmCatalogAdapter;

  beforeAll(async () => {
    db = await createTestDataSource({ schema: ORDER_SCHEMA, entities: ORDER_ENTITIES, migrations: ORDER_MIGRATIONS });
    catalog = new TypeOrmCatalogAdapter(new TransactionRunner(db.dataSource));
  });

  afterAll(() => db?.close());

  it('seeds the demo catalog into an empty table only', async () => {
    expect(await seedDemoCatalog(db.dataSource)).toEqual(['P001', 'P002', 'P003', 'P004', 'P005', 'P006']);
    expect(await seedDemoCatalog(db.dataSource)).toEqual([]);
    expect(await db.dataSource.getRepository(CatalogProductOrmEntity).count()).toBe(DEMO_CATALOG.length);
  });

  it('returns only the known skus, with their prices as Money', async () => {
    const found = await catalog.findBySkus(['P001', 'NOPE', 'P002', 'P001']);
    expect([...found.keys()].sort()).toEqual(['P001', 'P002']);
    expect(found.get('P001')).toEqual({ sku: 'P001', name: 'Wireless Mouse', unitPrice: Money.of(3350n, 'USD') });
    expect(found.get('P002')?.unitPrice.equals(Money.of(3350n, 'USD'))).toBe(true);
    expect((await catalog.findBySkus([])).size).toBe(0);
    expect((await catalog.findBySkus(['p001'])).size).toBe(0);
  });

  it('does not seed over an operator’s catalog', async () => {
    await db.dataSource.query(`TRUNCATE ${ORDER_SCHEMA}.catalog_products`);
    await db.dataSource.getRepository(CatalogProductOrmEntity).insert({ sku: 'X1', name: 'Own', currency: 'EUR', unitPriceMinor: '100', updatedAt: new Date() });
    expect(await seedDemoCatalog(db.dataSource)).toEqual([]);
    expect((await catalog.findBySkus(['X1', 'P001'])).get('X1')?.unitPrice).toEqual(Money.of(100n, 'EUR'));
  });
});
