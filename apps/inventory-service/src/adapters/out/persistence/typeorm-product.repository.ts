import { Injectable } from '@nestjs/common';
import { entityFromRow, TransactionRunner, type DatabaseRow } from '#libs/database';
import type { EntityManager } from 'typeorm';
import { ConcurrentModificationError } from '../../../application/application.errors.js';
import { ProductRepository } from '../../../application/ports/product.repository.port.js';
import type { Product } from '../../../domain/product.aggregate.js';
import { lockKey } from './advisory-lock.js';
import { toProduct, toProductRow } from './product.mapper.js';
import { ProductOrmEntity } from './product.orm-entity.js';

const PRODUCT_COLUMNS = 'sku, name, currency, unit_price_minor, stock, reserved, version, create_time, update_time';

/**
 * Every product of the arrays `$1` (sku) ... `$9` that is still at its version `$2`, overwritten
 * with everything but identity and creation time, in one statement; answers the skus written.
 * The rows are locked already on the hot paths (`lockBySkus`, `lockForUpsert`), so the statement
 * takes no lock of its own there. A row another writer changed meanwhile fails `p.version =
 * u.persisted_version` (re-checked on its newest version after waiting for that writer).
 */
const UPDATE_PRODUCTS = `WITH changed AS (
    UPDATE inventory_service.products AS p
       SET name = u.name, currency = u.currency, unit_price_minor = u.unit_price_minor, stock = u.stock,
           reserved = u.reserved, version = u.version, update_time = u.update_time
      FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[], $5::int8[], $6::int8[], $7::int8[], $8::int4[], $9::timestamptz[])
           AS u(sku, persisted_version, name, currency, unit_price_minor, stock, reserved, version, update_time)
     WHERE p.sku = u.sku AND p.version = u.persisted_version
    RETURNING p.sku)
  SELECT sku FROM changed`;

/**
 * Products in PostgreSQL, written in the ambient transaction (the unit of work's). What every
 * reservation change runs (`lockBySkus`, `update`) is plain SQL, as is `findBySkus`, which shares
 * its column list: TypeORM's query building and result mapping were the largest share of the
 * services' own CPU under load (docs/performance.md). The admin upsert's lock and insert keep TypeORM.
 */
@Injectable()
export class TypeOrmProductRepository extends ProductRepository {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async findBySkus(skus: readonly string[]): Promise<Product[]> {
    if (skus.length === 0) return [];
    const rows = (await this.tx
      .manager()
      .query(`SELECT ${PRODUCT_COLUMNS} FROM inventory_service.products WHERE sku = ANY($1::text[])`, [[...new Set(skus)]])) as DatabaseRow[];
    return rows.map((r) => this.toProduct(r));
  }

  async lockBySkus(skus: readonly string[]): Promise<Map<string, Product>> {
    if (!this.tx.inTransaction()) throw new Error('lockBySkus needs a unit of work (an open transaction)');
    if (skus.length === 0) return new Map();
    // FOR UPDATE locks rows in the ORDER BY order: every unit of work takes them in sku order,
    // so two over overlapping skus queue behind each other instead of deadlocking.
    const rows = (await this.tx
      .manager()
      .query(`SELECT ${PRODUCT_COLUMNS} FROM inventory_service.products WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE`, [
        [...new Set(skus)],
      ])) as DatabaseRow[];
    return new Map(rows.map((r) => [r.sku as string, this.toProduct(r)]));
  }

  async lockForUpsert(sku: string): Promise<Product | null> {
    // A name lock first: two creations of one new sku must not both find nothing and both insert.
    await lockKey(this.tx, `product:${sku}`);
    const rows = await this.tx
      .manager()
      .createQueryBuilder(ProductOrmEntity, 'p')
      .where('p.sku = :sku', { sku })
      .setLock('pessimistic_write')
      .getMany();
    return rows[0] ? toProduct(rows[0]) : null;
  }

  async insert(product: Product): Promise<void> {
    await this.tx.run((manager) => manager.insert(ProductOrmEntity, toProductRow(product)));
    product.markPersisted();
  }

  /**
   * The dirty products, each guarded by the version it was read at: one statement for all of them
   * (one per product if the same sku is given twice, so each sees the previous one's write).
   * @throws ConcurrentModificationError naming the first product (in the given order) whose row
   *   was not at its read version; the caller's unit of work rolls back what was written
   */
  async update(products: Iterable<Product>): Promise<void> {
    const dirty = [...products].filter((p) => p.isDirty);
    if (dirty.length === 0) return;
    const batches = new Set(dirty.map((p) => p.sku)).size === dirty.length ? [dirty] : dirty.map((p) => [p]);
    await this.tx.run(async (manager) => {
      for (const batch of batches) await updateGuarded(manager, batch);
    });
    for (const product of dirty) product.markPersisted();
  }

  private toProduct(row: DatabaseRow): Product {
    return toProduct(entityFromRow(this.tx.manager(), ProductOrmEntity, row));
  }
}

/** Writes `products` (distinct skus) with {@link UPDATE_PRODUCTS}; throws unless every row was written. */
async function updateGuarded(manager: EntityManager, products: readonly Product[]): Promise<void> {
  const rows = products.map(toProductRow);
  const changed = (await manager.query(UPDATE_PRODUCTS, [
    rows.map((r) => r.sku),
    products.map((p) => p.persistedVersion),
    rows.map((r) => r.name),
    rows.map((r) => r.currency),
    rows.map((r) => r.unitPriceMinor),
    rows.map((r) => r.stock),
    rows.map((r) => r.reserved),
    rows.map((r) => r.version),
    rows.map((r) => r.updateTime),
  ])) as { sku: string }[];
  const written = new Set(changed.map((r) => r.sku));
  const stale = products.find((p) => !written.has(p.sku));
  if (stale) throw new ConcurrentModificationError(`product ${stale.sku}`);
}
