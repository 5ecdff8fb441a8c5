import { dropIdempotencyKeysDdl, idempotencyKeysDdl } from '#libs/idempotency';
import { deferredDeliveriesDdl, dropDeferredDeliveriesDdl, dropOutboxAndInboxDdl, outboxAndInboxDdl } from '#libs/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const S = 'notification_service';

/**
 * notification-service's schema: customers' contact details, what it knows of each order (for
 * routing and reminders), the events it has handled by their natural key, and the notifications
 * themselves, which double as the durable queue of delayed and retried sends (polled with SKIP
 * LOCKED, see docs/decisions/0008-notifications.md). Plus the messaging inbox/outbox, the
 * in-process transport's deferred deliveries, and idempotency keys.
 */
export class InitialSchema1795500000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${S}`);

    await queryRunner.query(`
      CREATE TABLE ${S}.customer_contacts (
        customer_id       text PRIMARY KEY,
        email             text NOT NULL DEFAULT '',
        phone             text NOT NULL DEFAULT '',
        preferred_channel text NOT NULL CONSTRAINT customer_contacts_channel_check CHECK (preferred_channel IN ('email', 'sms')),
        create_time       timestamptz(3) NOT NULL,
        update_time       timestamptz(3) NOT NULL,
        -- A stored contact always has an address on its preferred channel.
        CONSTRAINT customer_contacts_address_check
          CHECK ((preferred_channel = 'email' AND email <> '') OR (preferred_channel = 'sms' AND phone <> ''))
      )`);

    await queryRunner.query(`
      CREATE TABLE ${S}.orders (
        order_id      text PRIMARY KEY,
        customer_id   text NOT NULL,
        contact_email text NOT NULL DEFAULT '',
        status        text NOT NULL,
        status_seq    bigint NOT NULL,
        reserved_at   timestamptz(3) NULL,
        create_time   timestamptz(3) NOT NULL DEFAULT now(),
        update_time   timestamptz(3) NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE ${S}.processed_events (
        order_id     text NOT NULL,
        event_type   text NOT NULL,
        seq          bigint NOT NULL,
        processed_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (order_id, event_type, seq)
      )`);

    await queryRunner.query(`
      CREATE TABLE ${S}.notifications (
        id                  uuid PRIMARY KEY,
        order_id            text NULL,
        customer_id         text NOT NULL,
        kind                text NOT NULL CONSTRAINT notifications_kind_check
                            CHECK (kind IN ('PAYMENT_CAPTURED', 'ORDER_CANCELED', 'ORDER_REFUNDED', 'PAYMENT_REMINDER', 'DIRECT')),
        channel             text NULL CONSTRAINT notifications_channel_check CHECK (channel IN ('email', 'sms')),
        recipient           text NULL,
        subject             text NOT NULL,
        body                text NOT NULL,
        status              text NOT NULL CONSTRAINT notifications_status_check
                            CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'SKIPPED', 'CANCELED')),
        attempts            integer NOT NULL DEFAULT 0 CONSTRAINT notifications_attempts_check CHECK (attempts >= 0),
        last_error          text NULL,
        provider_message_id text NULL,
        due_at              timestamptz(3) NOT NULL,
        next_attempt_at     timestamptz(3) NOT NULL,
        lease_until         timestamptz(3) NULL,
        expires_at          timestamptz(3) NULL,
        create_time         timestamptz(3) NOT NULL,
        update_time         timestamptz(3) NOT NULL,
        CONSTRAINT notifications_order_check CHECK ((kind = 'DIRECT') = (order_id IS NULL)),
        CONSTRAINT notifications_recipient_check CHECK (status = 'SKIPPED' OR (channel IS NOT NULL AND recipient IS NOT NULL))
      )`);
    // Exactly one notification per order and kind: a redelivered or republished event inserts nothing.
    await queryRunner.query(`CREATE UNIQUE INDEX notifications_order_kind_key ON ${S}.notifications (order_id, kind) WHERE order_id IS NOT NULL`);
    // The dispatcher's poll: due PENDING rows, earliest first.
    await queryRunner.query(`CREATE INDEX notifications_due_idx ON ${S}.notifications (next_attempt_at) WHERE status = 'PENDING'`);
    await queryRunner.query(`CREATE INDEX notifications_customer_idx ON ${S}.notifications (customer_id, create_time)`);

    for (const sql of outboxAndInboxDdl(S)) await queryRunner.query(sql);
    for (const sql of deferredDeliveriesDdl(S)) await queryRunner.query(sql);
    for (const sql of idempotencyKeysDdl(S)) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of dropIdempotencyKeysDdl(S)) await queryRunner.query(sql);
    for (const sql of dropDeferredDeliveriesDdl(S)) await queryRunner.query(sql);
    for (const sql of dropOutboxAndInboxDdl(S)) await queryRunner.query(sql);
    for (const table of ['notifications', 'processed_events', 'orders', 'customer_contacts']) await queryRunner.query(`DROP TABLE ${S}.${table}`);
  }
}
