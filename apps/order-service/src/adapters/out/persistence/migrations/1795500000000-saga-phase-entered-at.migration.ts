import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When each saga entered its current phase: step durations for metrics, stuck sagas for operators. */
export class SagaPhaseEnteredAt1795500000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE order_service.order_sagas ADD COLUMN phase_entered_at timestamptz(3) NOT NULL DEFAULT now()`);
    await queryRunner.query(`UPDATE order_service.order_sagas SET phase_entered_at = updated_at`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE order_service.order_sagas DROP COLUMN phase_entered_at`);
  }
}
