import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { CatalogReplica } from '../../../application/ports/catalog-replica.port.js';

/** Upserts into `order_service.catalog_products`, in the consumer's transaction. */
@Injectable()
export class TypeOrmCatalogReplica extends CatalogReplica {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async upsert(p: { sku: string; name: string; currency: string; unitPriceMinor: bigint }): Promise<void> {
    await this.tx.manager().query(
      `INSERT INTO order_service.catalog_products (sku, name, currency, unit_price_minor, updated_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, currency = EXCLUDED.currency,
         unit_price_minor = EXCLUDED.unit_price_minor, updated_at = now()`,
      [p.sku, p.name, p.currency, p.unitPriceMinor.toString()],
    );
  }
}
