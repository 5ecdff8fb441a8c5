import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Row of `order_service.outbox`: a message written with the state change, published later by the relay. */
@Entity({ name: 'outbox' })
export class OutboxMessageOrmEntity {
  /** Insertion order, which the relay publishes in. pg returns int8 as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** Also the AMQP `message-id`; consumers may deduplicate by it. */
  @Column({ name: 'message_id', type: 'uuid', unique: true })
  messageId!: string;

  @Column({ type: 'text', default: 'oms.events' })
  exchange!: string;

  @Column({ name: 'routing_key', type: 'text' })
  routingKey!: string;

  @Column({ name: 'aggregate_id', type: 'text' })
  aggregateId!: string;

  /** The message body: proto3 JSON of an events.proto message. */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: {} })
  headers!: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
