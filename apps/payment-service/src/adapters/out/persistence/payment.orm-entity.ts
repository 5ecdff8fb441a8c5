import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `payment_service.payments`: one payment attempt. No card number or CVV column exists. */
@Entity({ name: 'payments' })
export class PaymentOrmEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'pending_operation', type: 'text', nullable: true })
  pendingOperation!: string | null;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  /** pg returns int8 as a string; the mapper converts. */
  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;

  @Column({ name: 'captured_minor', type: 'bigint' })
  capturedMinor!: string;

  @Column({ name: 'refunded_minor', type: 'bigint' })
  refundedMinor!: string;

  @Column({ type: 'text' })
  method!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'card_brand', type: 'text' })
  cardBrand!: string;

  @Column({ name: 'card_last4', type: 'char', length: 4 })
  cardLast4!: string;

  @Column({ name: 'gateway_token', type: 'text' })
  gatewayToken!: string;

  @Column({ name: 'transaction_id', type: 'text' })
  transactionId!: string;

  @Column({ name: 'failure_reason', type: 'text' })
  failureReason!: string;

  @Column({ name: 'status_reason', type: 'text' })
  statusReason!: string;

  /** Plain column: the repository guards it with a conditional UPDATE (@VersionColumn does not). */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'create_time', type: 'timestamptz', precision: 3 })
  createTime!: Date;

  @Column({ name: 'update_time', type: 'timestamptz', precision: 3 })
  updateTime!: Date;
}
