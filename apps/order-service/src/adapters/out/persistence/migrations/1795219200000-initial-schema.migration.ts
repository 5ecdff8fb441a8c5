import { dropIdempotencyKeysDdl, idempotencyKeysDdl } from '#libs/idempotency';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * order-service's schema: orders, the transactional outbox, the catalog replica and idempotency
 * keys. Hand-written SQL so constraints and index orderings are exactly what the queries need.
 */
export class InitialSchema1795219200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS order_service`);

    await queryRunner.query(`
      CREATE TABLE order_service.orders (
        id            text PRIMARY KEY,
        customer_id   text NOT NULL,
        status        text NOT NULL
                      CONSTRAINT orders_status_check
                      CHECK (status IN ('PENDING', 'RESERVED', 'PAID', 'CONFIRMED', 'CANCELED', 'REFUNDED')),
        status_reason text NOT NULL DEFAULT '',
        currency      char(3) NOT NULL,
        amount_minor  bigint NOT NULL CONSTRAINT orders_amount_minor_check CHECK (amount_minor >= 0),
        items         jsonb NOT NULL,
        payment       jsonb NULL,
        version       integer NOT NULL CONSTRAINT orders_version_check CHECK (version >= 1),
        status_seq    integer NOT NULL,
        payment_seq   integer NOT NULL,
        -- Millisecond precision, as JavaScript dates have: a list cursor read back compares equal.
        create_time   timestamptz(3) NOT NULL,
        update_time   timestamptz NOT NULL
      )`);
    // Keyset pagination, newest first, with and without the customer and status filters.
    await queryRunner.query(
      `CREATE INDEX orders_customer_created_idx ON order_service.orders (customer_id, create_time DESC, id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX orders_created_idx ON order_service.orders (create_time DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX orders_customer_status_created_idx ON order_service.orders (customer_id, status, create_time DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX orders_status_created_idx ON order_service.orders (status, create_time DESC, id DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE order_service.outbox (
        id           bigserial PRIMARY KEY,
        message_id   uuid NOT NULL CONSTRAINT outbox_message_id_key UNIQUE,
        exchange     text NOT NULL DEFAULT 'oms.events',
        routing_key  text NOT NULL,
        aggregate_id text NOT NULL,
        payload      jsonb NOT NULL,
        headers      jsonb NOT NULL DEFAULT '{}',
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz NULL
      )`);
    // The relay reads only what is still unpublished, in id order; the index stays small.
    await queryRunner.query(`CREATE INDEX outbox_unpublished_idx ON order_service.outbox (id) WHERE published_at IS NULL`);

    await queryRunner.query(`
      CREATE TABLE order_service.catalog_products (
        sku              text PRIMARY KEY,
        name             text NOT NULL,
        currency         char(3) NOT NULL,
        unit_price_minor bigint NOT NULL CONSTRAINT catalog_products_unit_price_minor_check CHECK (unit_price_minor >= 0),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);

    for (const sql of idempotencyKeysDdl('order_service')) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of dropIdempotencyKeysDdl('order_service')) await queryRunner.query(sql);
    await queryRunner.query(`DROP TABLE order_service.catalog_products`);
    await queryRunner.query(`DROP TABLE order_service.outbox`);
    await queryRunner.query(`DROP TABLE order_service.orders`);
  }
}
