import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `payment_service.gateway_callback_inbox`: a gateway callback that was applied. */
@Entity({ name: 'gateway_callback_inbox' })
export class GatewayCallbackInboxOrmEntity {
  @PrimaryColumn({ name: 'callback_id', type: 'text' })
  callbackId!: string;

  @Column({ name: 'payment_id', type: 'text' })
  paymentId!: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
