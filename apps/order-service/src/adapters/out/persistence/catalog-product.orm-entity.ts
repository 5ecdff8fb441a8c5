import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `order_service.catalog_products`: order-service's trusted replica of the catalog. */
@Entity({ name: 'catalog_products' })
export class CatalogProductOrmEntity {
  @PrimaryColumn({ type: 'text' })
  sku!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  /** pg returns int8 as a string; the adapter converts. */
  @Column({ name: 'unit_price_minor', type: 'bigint' })
  unitPriceMinor!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
