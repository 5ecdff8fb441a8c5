import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { Catalog, type CatalogProduct } from '../../../application/ports/catalog.port.js';
import { Money } from '../../../domain/money.js';

/** The catalog as replicated into `order_service.catalog_products`. */
@Injectable()
export class TypeOrmCatalogAdapter extends Catalog {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async findBySkus(skus: readonly string[]): Promise<ReadonlyMap<string, CatalogProduct>> {
    const products = new Map<string, CatalogProduct>();
    if (skus.length === 0) return products;
    // Plain SQL: this read is on every CreateOrder, and TypeORM's query building costs more CPU than it.
    const rows = (await this.tx.manager().query(
      `SELECT sku, name, currency, unit_price_minor FROM order_service.catalog_products WHERE sku = ANY($1::text[])`,
      [[...new Set(skus)]],
    )) as { sku: string; name: string; currency: string; unit_price_minor: string }[];
    for (const row of rows) {
      products.set(row.sku, { sku: row.sku, name: row.name, unitPrice: Money.of(BigInt(row.unit_price_minor), row.currency) });
    }
    return products;
  }
}
