import { dropIdempotencyKeysDdl, idempotencyKeysDdl } from '#libs/idempotency';
import { dropOutboxAndInboxDdl, outboxAndInboxDdl } from '#libs/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * inventory-service's schema: products with their stock, reservations per order, the messaging
 * outbox and inbox, and idempotency keys. The stock invariant `0 <= reserved <= stock` is also a
 * CHECK constraint, so not even a bug can commit a product that breaks it.
 */
export class InitialSchema1795305600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS inventory_service`);

    await queryRunner.query(`
      CREATE TABLE inventory_service.products (
        sku              text PRIMARY KEY,
        name             text NOT NULL,
        currency         char(3) NOT NULL,
        unit_price_minor bigint NOT NULL CONSTRAINT products_unit_price_minor_check CHECK (unit_price_minor >= 0),
        stock            bigint NOT NULL,
        reserved         bigint NOT NULL DEFAULT 0,
        version          integer NOT NULL CONSTRAINT products_version_check CHECK (version >= 1),
        create_time      timestamptz NOT NULL,
        update_time      timestamptz NOT NULL,
        CONSTRAINT products_stock_check CHECK (reserved >= 0 AND reserved <= stock)
      )`);

    await queryRunner.query(`
      CREATE TABLE inventory_service.reservations (
        order_id         text PRIMARY KEY,
        status           text NOT NULL
                         CONSTRAINT reservations_status_check
                         CHECK (status IN ('RESERVED', 'REJECTED', 'RELEASED', 'COMMITTED', 'RESTOCKED')),
        items            jsonb NOT NULL,
        failure_reason   text NOT NULL DEFAULT '',
        unavailable_skus text[] NOT NULL DEFAULT '{}',
        status_reason    text NOT NULL DEFAULT '',
        version          integer NOT NULL CONSTRAINT reservations_version_check CHECK (version >= 1),
        create_time      timestamptz NOT NULL,
        update_time      timestamptz NOT NULL
      )`);
    // Live reservations per status, for operators ("what is still held?").
    await queryRunner.query(`CREATE INDEX reservations_status_idx ON inventory_service.reservations (status, update_time)`);

    for (const sql of outboxAndInboxDdl('inventory_service')) await queryRunner.query(sql);

    for (const sql of idempotencyKeysDdl('inventory_service')) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of dropIdempotencyKeysDdl('inventory_service')) await queryRunner.query(sql);
    for (const sql of dropOutboxAndInboxDdl('inventory_service')) await queryRunner.query(sql);
    await queryRunner.query(`DROP TABLE inventory_service.reservations`);
    await queryRunner.query(`DROP TABLE inventory_service.products`);
  }
}
