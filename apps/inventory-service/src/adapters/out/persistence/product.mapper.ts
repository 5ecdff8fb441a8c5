import { Product } from '../../../domain/product.aggregate.js';
import { ProductOrmEntity } from './product.orm-entity.js';

/** The row for a product's current state. */
export function toProductRow(product: Product): ProductOrmEntity {
  const s = product.toSnapshot();
  const row = new ProductOrmEntity();
  row.sku = s.sku;
  row.name = s.name;
  row.currency = s.unitPrice.currency;
  row.unitPriceMinor = s.unitPrice.amountMinor.toString();
  row.stock = String(s.stock);
  row.reserved = String(s.reserved);
  row.version = s.version;
  row.createTime = s.createTime;
  row.updateTime = s.updateTime;
  return row;
}

/** Rehydrates the product a row holds; its `persistedVersion` is the row's version. */
export function toProduct(row: ProductOrmEntity): Product {
  return Product.restore({
    sku: row.sku,
    name: row.name,
    unitPrice: { currency: row.currency, amountMinor: BigInt(row.unitPriceMinor) },
    stock: count(row.stock, 'stock', row.sku),
    reserved: count(row.reserved, 'reserved', row.sku),
    version: row.version,
    createTime: row.createTime,
    updateTime: row.updateTime,
  });
}

/** A count the domain can hold exactly; anything else means a corrupt row: fail loudly. */
function count(value: string, column: string, sku: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`product ${sku}: ${column} ${value} in the database is not a countable stock`);
  return n;
}
