import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One line of the `items` column. */
export interface ReservationItemRow {
  sku: string;
  qty: number;
}

/** Row of `inventory_service.reservations`: one per order, the order id as primary key. */
@Entity({ name: 'reservations' })
export class ReservationOrmEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'jsonb' })
  items!: ReservationItemRow[];

  @Column({ name: 'failure_reason', type: 'text' })
  failureReason!: string;

  @Column({ name: 'unavailable_skus', type: 'text', array: true })
  unavailableSkus!: string[];

  @Column({ name: 'status_reason', type: 'text' })
  statusReason!: string;

  /** Plain column: the repository guards it with a conditional UPDATE. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;

  @Column({ name: 'update_time', type: 'timestamptz' })
  updateTime!: Date;
}
