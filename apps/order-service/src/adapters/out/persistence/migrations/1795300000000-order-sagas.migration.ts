import { inboxDdl, outboxUpgradeDdl } from '#libs/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The persisted saga of each order, the inbox that deduplicates consumed replies, and the outbox
 * columns the relay needs for retries with backoff.
 */
export class OrderSagas1795300000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE order_service.order_sagas (
        order_id   text PRIMARY KEY REFERENCES order_service.orders (id),
        phase      text NOT NULL CONSTRAINT order_sagas_phase_check CHECK (phase IN
                   ('RESERVING', 'AWAITING_PAYMENT', 'HOLDING', 'CAPTURING', 'COMMITTING', 'COMPLETED', 'COMPENSATING', 'ENDED')),
        payment_id text NULL,
        pending    text[] NOT NULL DEFAULT '{}',
        deadline   timestamptz(3) NULL,
        payment_deadline timestamptz(3) NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The timeout poller's scan: only sagas that wait for something.
    await queryRunner.query(
      `CREATE INDEX order_sagas_deadline_idx ON order_service.order_sagas (deadline) WHERE deadline IS NOT NULL`,
    );
    for (const sql of [...outboxUpgradeDdl('order_service'), ...inboxDdl('order_service')]) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE order_service.inbox`);
    await queryRunner.query(`DROP TABLE order_service.order_sagas`);
  }
}
