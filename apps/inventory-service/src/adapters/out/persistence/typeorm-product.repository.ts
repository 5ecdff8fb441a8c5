import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { In } from 'typeorm';
import { ConcurrentModificationError } from '../../../application/application.errors.js';
import { ProductRepository } from '../../../application/ports/product.repository.port.js';
import type { Product } from '../../../domain/product.aggregate.js';
import { lockKey } from './advisory-lock.js';
import { toProduct, toProductRow } from './product.mapper.js';
import { ProductOrmEntity } from './product.orm-entity.js';

/** Products in PostgreSQL, written in the ambient transaction (the unit of work's). */
@Injectable()
export class TypeOrmProductRepository extends ProductRepository {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async findBySkus(skus: readonly string[]): Promise<Product[]> {
    if (skus.length === 0) return [];
    const rows = await this.tx.manager().findBy(ProductOrmEntity, { sku: In([...new Set(skus)]) });
    return rows.map(toProduct);
  }

  async lockBySkus(skus: readonly string[]): Promise<Map<string, Product>> {
    if (!this.tx.inTransaction()) throw new Error('lockBySkus needs a unit of work (an open transaction)');
    if (skus.length === 0) return new Map();
    // FOR UPDATE locks rows in the ORDER BY order: every unit of work takes them in sku order,
    // so two over overlapping skus queue behind each other instead of deadlocking.
    const rows = await this.tx
      .manager()
      .createQueryBuilder(ProductOrmEntity, 'p')
      .where('p.sku IN (:...skus)', { skus: [...new Set(skus)] })
      .orderBy('p.sku', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
    return new Map(rows.map((row) => [row.sku, toProduct(row)]));
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

  async update(products: Iterable<Product>): Promise<void> {
    const dirty = [...products].filter((p) => p.isDirty);
    if (dirty.length === 0) return;
    await this.tx.run(async (manager) => {
      for (const product of dirty) {
        const row = toProductRow(product);
        const result = await manager
          .createQueryBuilder()
          .update(ProductOrmEntity)
          // Everything but identity and creation time may change.
          .set({
            name: row.name,
            currency: row.currency,
            unitPriceMinor: row.unitPriceMinor,
            stock: row.stock,
            reserved: row.reserved,
            version: row.version,
            updateTime: row.updateTime,
          })
          .where('sku = :sku AND version = :persistedVersion', { sku: row.sku, persistedVersion: product.persistedVersion })
          .execute();
        if (result.affected !== 1) throw new ConcurrentModificationError(`product ${product.sku}`);
      }
    });
    for (const product of dirty) product.markPersisted();
  }
}
