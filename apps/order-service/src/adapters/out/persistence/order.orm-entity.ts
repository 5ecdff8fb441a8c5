import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One order line in the `items` column; int64 amounts as decimal strings, as JSON cannot hold bigint. */
export interface OrderItemRow {
  sku: string;
  qty: number;
  unitPriceMinor: string;
}

/** The `payment` column: the order's current payment, all strings. */
export interface PaymentRow {
  id: string;
  status: string;
  provider: string;
  method: string;
  cardBrand: string;
  cardLast4: string;
  transactionId: string;
  failureReason: string;
}

/** Row of `order_service.orders`. */
@Entity({ name: 'orders' })
export class OrderOrmEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'status_reason', type: 'text' })
  statusReason!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  /** pg returns int8 as a string; the mapper converts. */
  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;

  @Column({ type: 'jsonb' })
  items!: OrderItemRow[];

  @Column({ type: 'jsonb', nullable: true })
  payment!: PaymentRow | null;

  /** Plain column: the repository guards it with a conditional UPDATE (@VersionColumn does not). */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'status_seq', type: 'integer' })
  statusSeq!: number;

  @Column({ name: 'payment_seq', type: 'integer' })
  paymentSeq!: number;

  @Column({ name: 'create_time', type: 'timestamptz', precision: 3 })
  createTime!: Date;

  @Column({ name: 'update_time', type: 'timestamptz' })
  updateTime!: Date;
}
