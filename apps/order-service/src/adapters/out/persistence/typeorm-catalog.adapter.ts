import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { In } from 'typeorm';
import { Catalog, type CatalogProduct } from '../../../application/ports/catalog.port.js';
import { Money } from '../../../domain/money.js';
import { CatalogProductOrmEntity } from './catalog-product.orm-entity.js';

/** The catalog as replicated into `order_service.catalog_products`. */
@Injectable()
export class TypeOrmCatalogAdapter extends Catalog {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async findBySkus(skus: readonly string[]): Promise<ReadonlyMap<string, CatalogProduct>> {
    const products = new Map<string, CatalogProduct>();
    if (skus.length === 0) return products;
    const rows = await this.tx.manager().findBy(CatalogProductOrmEntity, { sku: In([...new Set(skus)]) });
    for (const row of rows) {
      products.set(row.sku, { sku: row.sku, name: row.name, unitPrice: Money.of(BigInt(row.unitPriceMinor), row.currency) });
    }
    return products;
  }
}
