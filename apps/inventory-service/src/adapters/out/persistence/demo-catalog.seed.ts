import type { DataSource } from 'typeorm';
import { ProductOrmEntity } from './product.orm-entity.js';

/** A product of the demo catalog with the stock inventory-service starts it with. */
export interface DemoProduct {
  readonly sku: string;
  readonly name: string;
  readonly priceMinor: bigint;
  readonly currency: string;
  readonly stock: number;
}

/**
 * The zero-install demo catalog, equal to order-service's `DEMO_CATALOG` (each service seeds its
 * own schema; they share no code). P001 and P002 at 33.50 USD make the seed's example order
 * (P001 x2 + P002 x1) total 100.50 USD.
 */
export const DEMO_CATALOG: readonly DemoProduct[] = Object.freeze([
  { sku: 'P001', name: 'Wireless Mouse', priceMinor: 3350n, currency: 'USD', stock: 1000 },
  { sku: 'P002', name: 'USB-C Cable', priceMinor: 3350n, currency: 'USD', stock: 1000 },
  { sku: 'P003', name: 'Mechanical Keyboard', priceMinor: 8999n, currency: 'USD', stock: 1000 },
  { sku: 'P004', name: '27-inch Monitor', priceMinor: 24900n, currency: 'USD', stock: 1000 },
  { sku: 'P005', name: 'Laptop Stand', priceMinor: 3999n, currency: 'USD', stock: 1000 },
  { sku: 'P006', name: 'Noise-Cancelling Headphones', priceMinor: 19950n, currency: 'USD', stock: 1000 },
]);

/**
 * Loads {@link DEMO_CATALOG} into `products` unless the table already holds products (an
 * operator's catalog is never mixed with the demo one). Safe to run from several processes.
 * @returns the skus inserted
 */
export async function seedDemoCatalog(dataSource: DataSource): Promise<string[]> {
  const products = dataSource.getRepository(ProductOrmEntity);
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
        stock: String(p.stock),
        reserved: '0',
        version: 1,
        createTime: now,
        updateTime: now,
      })),
    )
    // Two processes starting together both see an empty table: the second inserts nothing.
    .orIgnore()
    .returning(['sku'])
    .execute();
  return (result.raw as { sku: string }[]).map((r) => r.sku);
}
