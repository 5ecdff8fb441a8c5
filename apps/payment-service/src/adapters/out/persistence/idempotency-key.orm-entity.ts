import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `payment_service.idempotency_keys`: one per (caller, key), kept until `expiresAt`. */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyOrmEntity {
  /** Whose key it is, so keys of different callers never collide. */
  @PrimaryColumn({ type: 'text' })
  scope!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ name: 'request_hash', type: 'text' })
  requestHash!: string;

  @Column({ type: 'text' })
  status!: 'IN_PROGRESS' | 'COMPLETED';

  /** The stored answer, replayed to a repeated request; null while in progress. */
  @Column({ type: 'jsonb', nullable: true })
  response!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
