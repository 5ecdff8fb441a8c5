import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `notification_service.orders`. pg returns int8 as a string; the mapper converts. */
@Entity({ name: 'orders' })
export class TrackedOrderOrmEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ name: 'contact_email', type: 'text' })
  contactEmail!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'status_seq', type: 'bigint' })
  statusSeq!: string;

  @Column({ name: 'reserved_at', type: 'timestamptz', nullable: true })
  reservedAt!: Date | null;

  @Column({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;

  @Column({ name: 'update_time', type: 'timestamptz' })
  updateTime!: Date;
}
