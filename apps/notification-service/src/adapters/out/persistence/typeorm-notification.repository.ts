import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { In } from 'typeorm';
import { NotificationRepository } from '../../../application/ports/notification.repository.port.js';
import type { Notification } from '../../../domain/notification.aggregate.js';
import type { OrderNotificationKind } from '../../../domain/notification-kind.js';
import { toNotification, toNotificationRow } from './notification.mapper.js';
import { NotificationOrmEntity } from './notification.orm-entity.js';
import { NOTIFICATION_SCHEMA } from './notification-schema.js';

const T = `${NOTIFICATION_SCHEMA}.notifications`;

/** Notifications in PostgreSQL; the table is also the dispatcher's durable queue. */
@Injectable()
export class TypeOrmNotificationRepository extends NotificationRepository {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async insertOnce(notification: Notification): Promise<boolean> {
    const row = toNotificationRow(notification);
    const columns = Object.entries(COLUMNS);
    const params = columns.map(([property]) => row[property as keyof NotificationOrmEntity]);
    const inserted: unknown[] = await this.tx.manager().query(
      `INSERT INTO ${T} (${columns.map(([, c]) => c).join(', ')})
       VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (order_id, kind) WHERE order_id IS NOT NULL DO NOTHING
       RETURNING id`,
      params,
    );
    return inserted.length === 1;
  }

  async insert(notification: Notification): Promise<void> {
    await this.tx.run((manager) => manager.insert(NotificationOrmEntity, toNotificationRow(notification)));
  }

  async save(notification: Notification): Promise<void> {
    const { id, ...changes } = toNotificationRow(notification);
    await this.tx.run((manager) => manager.update(NotificationOrmEntity, { id }, changes));
  }

  async cancelPending(orderId: string, kind: OrderNotificationKind, reason: string, now: Date): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected row count].
    const [, affected]: [unknown[], number] = await this.tx.manager().query(
      `UPDATE ${T} SET status = 'CANCELED', last_error = $3, lease_until = NULL, update_time = $4
        WHERE order_id = $1 AND kind = $2 AND status = 'PENDING' AND (lease_until IS NULL OR lease_until <= $4)`,
      [orderId, kind, reason, now],
    );
    return affected > 0;
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<Notification[]> {
    const until = new Date(now.getTime() + leaseMs);
    // One statement: the rows are locked (skipping those another replica is claiming), counted
    // and leased, and the lock ends with it; the send happens afterwards, outside any lock.
    const [claimed]: [{ id: string }[], number] = await this.tx.manager().query(
      `UPDATE ${T} SET attempts = attempts + 1, lease_until = $3, next_attempt_at = $3, update_time = $1
        WHERE id IN (SELECT id FROM ${T} WHERE status = 'PENDING' AND next_attempt_at <= $1
                      ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [now, limit, until],
    );
    if (claimed.length === 0) return [];
    const rows = await this.tx.manager().findBy(NotificationOrmEntity, { id: In(claimed.map((c) => c.id)) });
    return rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()).map(toNotification);
  }

  async completeAttempt(notification: Notification, claimedAttempts: number): Promise<boolean> {
    const s = notification.snapshot();
    const [, affected]: [unknown[], number] = await this.tx.manager().query(
      `UPDATE ${T} SET status = $3, last_error = $4, provider_message_id = $5, next_attempt_at = $6, lease_until = $7, update_time = $8
        WHERE id = $1 AND attempts = $2 AND status = 'PENDING'`,
      [s.id, claimedAttempts, s.status, s.lastError, s.providerMessageId, s.nextAttemptAt, s.leaseUntil, s.updateTime],
    );
    return affected === 1;
  }
}

/** Entity property -> column, for the hand-written INSERT ... ON CONFLICT. */
const COLUMNS: Readonly<Record<keyof NotificationOrmEntity, string>> = {
  id: 'id',
  orderId: 'order_id',
  customerId: 'customer_id',
  kind: 'kind',
  channel: 'channel',
  recipient: 'recipient',
  subject: 'subject',
  body: 'body',
  status: 'status',
  attempts: 'attempts',
  lastError: 'last_error',
  providerMessageId: 'provider_message_id',
  dueAt: 'due_at',
  nextAttemptAt: 'next_attempt_at',
  leaseUntil: 'lease_until',
  expiresAt: 'expires_at',
  createTime: 'create_time',
  updateTime: 'update_time',
};
