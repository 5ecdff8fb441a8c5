import type { Notification } from '../../domain/notification.aggregate.js';
import type { NotificationKind } from '../../domain/notification-kind.js';
import type { NotificationStatus } from '../../domain/notification-status.js';

/** A recorded notification as the ports render it; JSON-safe (an idempotency key stores it). */
export interface NotificationView {
  readonly id: string;
  readonly customerId: string;
  readonly orderId: string;
  readonly kind: NotificationKind;
  readonly channel: string;
  readonly recipient: string;
  readonly subject: string;
  readonly body: string;
  readonly status: NotificationStatus;
  readonly attempts: number;
  readonly providerMessageId: string;
  /** RFC 3339. */
  readonly createTime: string;
  readonly updateTime: string;
}

export function toNotificationView(notification: Notification): NotificationView {
  const s = notification.snapshot();
  return {
    id: s.id,
    customerId: s.customerId,
    orderId: s.orderId ?? '',
    kind: s.kind,
    channel: s.channel ?? '',
    recipient: s.recipient ?? '',
    subject: s.subject,
    body: s.body,
    status: s.status,
    attempts: s.attempts,
    providerMessageId: s.providerMessageId ?? '',
    createTime: s.createTime.toISOString(),
    updateTime: s.updateTime.toISOString(),
  };
}
