import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `notification_service.customer_contacts`. */
@Entity({ name: 'customer_contacts' })
export class CustomerContactOrmEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  phone!: string;

  @Column({ name: 'preferred_channel', type: 'text' })
  preferredChannel!: string;

  @Column({ name: 'create_time', type: 'timestamptz' })
  createTime!: Date;

  @Column({ name: 'update_time', type: 'timestamptz' })
  updateTime!: Date;
}
