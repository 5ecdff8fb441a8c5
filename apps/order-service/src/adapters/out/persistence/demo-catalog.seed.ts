import { DEMO_CATALOG, type DemoProduct } from '#libs/contracts';
import type { DataSource } from 'typeorm';
import { CatalogProductOrmEntity } from './catalog-product.orm-entity.js';

export { DEMO_CATALOG, type DemoProduct };

/**
 * Loads {@link DEMO_CATALOG} into `catalog_products` unless the table already holds products
 * (an operator's catalog is never mixed with the demo one). Safe to run from several processes.
 * @returns the skus inserted
 */
export async function seedDemoCatalog(dataSource: DataSource): Promise<string[]> {
  const products = dataSource.getRepository(CatalogProductOrmEntity);
  if (await products.exists()) return [];
  const now = new Date();
  const result = await products
    .createQueryBuilder()
    .insert()
    .values(
      DEMO_CATALOG.map((p) => ({
        sku: p.sku,
        name: p.name,
        currency: p.currency,
        unitPriceMinor: p.priceMinor.toString(),
        updatedAt: now,
      })),
    )
    // Two processes starting together both see an empty table: the second inserts nothing.
    .orIgnore()
    .returning(['sku'])
    .execute();
  return (result.raw as { sku: string }[]).map((r) => r.sku);
}
