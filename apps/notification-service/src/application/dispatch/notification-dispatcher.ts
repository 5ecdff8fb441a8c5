import { Injectable, Logger } from '@nestjs/common';
import type { Notification } from '../../domain/notification.aggregate.js';
import { NotificationSettings } from '../notification-settings.js';
import { Clock } from '../ports/clock.port.js';
import { NotificationRepository } from '../ports/notification.repository.port.js';
import { DeliveryError, NotificationSender } from '../ports/notification-sender.port.js';
import { TrackedOrders } from '../ports/tracked-orders.port.js';

/** Why a claimed notification was dropped instead of sent. */
export const CANCEL_REASONS = Object.freeze({
  /** Its moment passed (a reminder after the payment deadline, e.g. after downtime). */
  expired: 'EXPIRED',
  /** A reminder whose order is no longer waiting for payment. */
  notAwaitingPayment: 'ORDER_NOT_AWAITING_PAYMENT',
});

/** What one round did. */
export interface DispatchRound {
  readonly claimed: number;
  readonly sent: number;
  readonly retrying: number;
  readonly failed: number;
  readonly canceled: number;
}

/**
 * Sends what is due. A round claims due PENDING notifications with a lease (SKIP LOCKED, so
 * replicas share the work and never take the same row), sends each outside any transaction or
 * row lock, and records the outcome: SENT, scheduled again with exponential backoff, or FAILED
 * once the attempts are used up (logged as an error). A process dying mid-send leaves the lease to
 * run out, after which the notification is tried again: delivery is at least once.
 */
@Injectable()
export class NotificationDispatcher {
  private readonly logger = new Logger('NotificationDispatcher');

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly orders: TrackedOrders,
    private readonly sender: NotificationSender,
    private readonly clock: Clock,
    private readonly settings: NotificationSettings,
  ) {}

  /** Notifications claimed per round at most. */
  get batchSize(): number {
    return this.settings.batchSize;
  }

  async dispatchDue(): Promise<DispatchRound> {
    const batch = await this.notifications.claimDue(this.clock.now(), this.settings.batchSize, this.settings.leaseMs);
    const outcomes = await Promise.all(batch.map((notification) => this.attempt(notification)));
    const count = (status: string) => outcomes.filter((o) => o === status).length;
    return { claimed: batch.length, sent: count('SENT'), retrying: count('PENDING'), failed: count('FAILED'), canceled: count('CANCELED') };
  }

  private async attempt(notification: Notification): Promise<string> {
    const claimed = notification.attempts;
    const dropReason = await this.dropReason(notification);
    if (dropReason) {
      notification.cancel(dropReason, this.clock.now());
    } else {
      await this.send(notification);
    }
    const stored = await this.notifications.completeAttempt(notification, claimed);
    if (!stored) this.logger.warn({ notificationId: notification.id }, 'notification was claimed again before this attempt ended; outcome not stored');
    return notification.status;
  }

  private async dropReason(notification: Notification): Promise<string | null> {
    const s = notification.snapshot();
    if (notification.isExpired(this.clock.now())) return CANCEL_REASONS.expired;
    if (s.kind === 'PAYMENT_REMINDER' && s.orderId) {
      const order = await this.orders.find(s.orderId);
      if (order && order.status !== 'RESERVED') return CANCEL_REASONS.notAwaitingPayment;
    }
    return null;
  }

  private async send(notification: Notification): Promise<void> {
    const s = notification.snapshot();
    const recipient = notification.recipient!;
    const log = { notificationId: s.id, orderId: s.orderId ?? undefined, kind: s.kind, channel: recipient.channel, attempt: s.attempts };
    try {
      const receipt = await this.sender.send({ notificationId: s.id, channel: recipient.channel, to: recipient.address, ...notification.content });
      notification.markSent(receipt.providerMessageId, this.clock.now());
      this.logger.log({ ...log, providerMessageId: receipt.providerMessageId }, 'notification sent');
    } catch (error) {
      const message = error instanceof DeliveryError ? error.message : `unexpected: ${error instanceof Error ? error.message : String(error)}`;
      const status = notification.recordFailure(message, this.clock.now(), this.settings.retry);
      if (status === 'FAILED') {
        this.logger.error({ ...log, err: message }, `notification FAILED after ${s.attempts} attempts`);
      } else {
        this.logger.warn({ ...log, err: message, nextAttemptAt: notification.snapshot().nextAttemptAt }, 'notification attempt failed; will retry');
      }
    }
  }
}
