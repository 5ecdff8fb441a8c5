import { deferredDeliveriesDdl, dropDeferredDeliveriesDdl } from '#libs/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where the in-process transport parks retries and dead letters (the zero-install mode's RabbitMQ queues). */
export class DeferredDeliveries1795400000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of deferredDeliveriesDdl('inventory_service')) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of dropDeferredDeliveriesDdl('inventory_service')) await queryRunner.query(sql);
  }
}
