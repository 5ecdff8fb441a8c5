import type { Channel } from '../../../domain/channel.js';
import { Notification } from '../../../domain/notification.aggregate.js';
import type { NotificationKind } from '../../../domain/notification-kind.js';
import type { NotificationStatus } from '../../../domain/notification-status.js';
import { NotificationOrmEntity } from './notification.orm-entity.js';

export function toNotification(row: NotificationOrmEntity): Notification {
  return Notification.restore({
    id: row.id,
    orderId: row.orderId,
    customerId: row.customerId,
    kind: row.kind as NotificationKind,
    channel: row.channel as Channel | null,
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    status: row.status as NotificationStatus,
    attempts: row.attempts,
    lastError: row.lastError,
    providerMessageId: row.providerMessageId,
    dueAt: row.dueAt,
    nextAttemptAt: row.nextAttemptAt,
    leaseUntil: row.leaseUntil,
    expiresAt: row.expiresAt,
    createTime: row.createTime,
    updateTime: row.updateTime,
  });
}

export function toNotificationRow(notification: Notification): NotificationOrmEntity {
  return Object.assign(new NotificationOrmEntity(), notification.snapshot());
}
