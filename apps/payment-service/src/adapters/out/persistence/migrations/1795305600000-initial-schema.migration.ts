import { idempotencyKeysDdl } from '#libs/idempotency';
import { dropOutboxAndInboxDdl, outboxAndInboxDdl } from '#libs/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * payment-service's schema: payment attempts, applied gateway callbacks, the messaging outbox and
 * inbox, idempotency keys, and the simulated gateway's own tables (`gateway_*`: the "remote"
 * card network's state, never read by payment-service's use cases). Hand-written SQL so the
 * invariants are enforced by the database too.
 */
export class InitialSchema1795305600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS payment_service`);

    await queryRunner.query(`
      CREATE TABLE payment_service.payments (
        id                text PRIMARY KEY,
        order_id          text NOT NULL,
        customer_id       text NOT NULL,
        status            text NOT NULL
                          CONSTRAINT payments_status_check
                          CHECK (status IN ('PROCESSING', 'HELD', 'CAPTURE_FAILED', 'CAPTURED', 'FAILED', 'VOIDED', 'REFUNDED')),
        pending_operation text NULL
                          CONSTRAINT payments_pending_operation_check
                          CHECK (pending_operation IN ('hold', 'capture', 'void', 'refund')),
        currency          char(3) NOT NULL,
        amount_minor      bigint NOT NULL CONSTRAINT payments_amount_minor_check CHECK (amount_minor > 0),
        captured_minor    bigint NOT NULL DEFAULT 0,
        refunded_minor    bigint NOT NULL DEFAULT 0,
        method            text NOT NULL,
        provider          text NOT NULL,
        card_brand        text NOT NULL,
        -- Only the last four digits: a column that could hold a card number does not exist.
        card_last4        char(4) NOT NULL CONSTRAINT payments_card_last4_check CHECK (card_last4 ~ '^[0-9]{4}$'),
        gateway_token     text NOT NULL,
        transaction_id    text NOT NULL DEFAULT '',
        failure_reason    text NOT NULL DEFAULT '',
        status_reason     text NOT NULL DEFAULT '',
        version           integer NOT NULL CONSTRAINT payments_version_check CHECK (version >= 1),
        create_time       timestamptz(3) NOT NULL,
        update_time       timestamptz(3) NOT NULL,
        -- Captured at most the amount, refunded at most what was captured.
        CONSTRAINT payments_money_check CHECK (
          captured_minor >= 0 AND captured_minor <= amount_minor AND refunded_minor >= 0 AND refunded_minor <= captured_minor)
      )`);
    await queryRunner.query(`CREATE INDEX payments_order_created_idx ON payment_service.payments (order_id, create_time DESC, id DESC)`);
    // One live attempt per order: a new one may start only after the last FAILED or was VOIDED.
    await queryRunner.query(
      `CREATE UNIQUE INDEX payments_one_live_attempt_per_order ON payment_service.payments (order_id)
       WHERE status NOT IN ('FAILED', 'VOIDED')`,
    );

    await queryRunner.query(`
      CREATE TABLE payment_service.gateway_callback_inbox (
        callback_id text PRIMARY KEY,
        payment_id  text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);

    for (const sql of outboxAndInboxDdl('payment_service')) await queryRunner.query(sql);

    for (const sql of idempotencyKeysDdl('payment_service')) await queryRunner.query(sql);

    // The simulated card network. Tokens stand for cards: brand, last four and the test card's
    // scripted behaviour, never the number or the CVV.
    await queryRunner.query(`
      CREATE TABLE payment_service.gateway_cards (
        token      text PRIMARY KEY,
        brand      text NOT NULL,
        last4      char(4) NOT NULL,
        behaviour  text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per accepted request; its id is the id of the callback announcing its outcome.
    await queryRunner.query(`
      CREATE TABLE payment_service.gateway_operations (
        id             uuid PRIMARY KEY,
        payment_id     text NOT NULL,
        operation      text NOT NULL CONSTRAINT gateway_operations_operation_check CHECK (operation IN ('hold', 'capture', 'void', 'refund')),
        order_id       text NOT NULL,
        token          text NOT NULL REFERENCES payment_service.gateway_cards (token),
        currency       char(3) NOT NULL,
        amount_minor   bigint NOT NULL,
        succeeded      boolean NOT NULL,
        failure_reason text NOT NULL DEFAULT '',
        transaction_id text NOT NULL,
        -- The requester's x-correlation-id, echoed in the callback so the outcome stays traceable.
        correlation_id text NOT NULL DEFAULT '',
        due_at         timestamptz NOT NULL,
        attempts       integer NOT NULL DEFAULT 0,
        last_error     text NULL,
        delivered_at   timestamptz NULL,
        abandoned_at   timestamptz NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        -- Requests are idempotent per (payment, operation).
        CONSTRAINT gateway_operations_request_key UNIQUE (payment_id, operation)
      )`);
    await queryRunner.query(
      `CREATE INDEX gateway_operations_due_idx ON payment_service.gateway_operations (due_at)
       WHERE delivered_at IS NULL AND abandoned_at IS NULL`,
    );
    // Faults the network has already served (a test card failing only its first attempt).
    await queryRunner.query(`
      CREATE TABLE payment_service.gateway_faults (
        request_key text PRIMARY KEY,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['gateway_faults', 'gateway_operations', 'gateway_cards', 'idempotency_keys', 'gateway_callback_inbox', 'payments']) {
      await queryRunner.query(`DROP TABLE payment_service.${table}`);
    }
    for (const sql of dropOutboxAndInboxDdl('payment_service')) await queryRunner.query(sql);
  }
}
