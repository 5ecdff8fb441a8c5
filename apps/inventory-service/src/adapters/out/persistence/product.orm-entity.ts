import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `inventory_service.products`. pg returns int8 as a string; the mapper converts. */
@Entity({ name: 'products' })
export class ProductOrmEntity {
  @PrimaryColumn({ type: 'text' })
  sku!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'unit_price_minor', type: 'bigint' })
  unitPriceMinor!: string;

  @Column({ type: 'bigint' })
  stock!: string;

  @Column({ type: 'bigint' })
  reserved!: string;

  /** Plain column: the repository guards it with a conditional UPDATE. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;

  @Column({ name: 'update_time', type: 'timestamptz' })
  updateTime!: Date;
}
