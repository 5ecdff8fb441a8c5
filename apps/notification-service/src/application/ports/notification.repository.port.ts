import type { Notification } from '../../domain/notification.aggregate.js';
import type { OrderNotificationKind } from '../../domain/notification-kind.js';

/** Recorded notifications. Writes join the caller's {@link UnitOfWork} when there is one. */
export abstract class NotificationRepository {
  /**
   * Inserts an order notification unless the order already has one of its kind (any status):
   * exactly one per order and kind. Resolves `true` when this call inserted it.
   */
  abstract insertOnce(notification: Notification): Promise<boolean>;

  /** Inserts a DIRECT notification. */
  abstract insert(notification: Notification): Promise<void>;

  /** Stores a notification's new state (DIRECT sends, which their caller holds). */
  abstract save(notification: Notification): Promise<void>;

  /**
   * Cancels the order's PENDING notification of `kind` unless an attempt at it is in flight (its
   * lease has not ended); resolves whether one was canceled.
   */
  abstract cancelPending(orderId: string, kind: OrderNotificationKind, reason: string, now: Date): Promise<boolean>;

  /**
   * Claims up to `limit` PENDING notifications due at `now`, earliest first, skipping rows
   * another replica holds (`FOR UPDATE SKIP LOCKED`), and starts an attempt at each exactly as
   * `Notification.startAttempt(now, leaseMs)` does, in one statement.
   */
  abstract claimDue(now: Date, limit: number, leaseMs: number): Promise<Notification[]>;

  /**
   * Stores the outcome of an attempt claimed with `claimedAttempts` attempts, only if nobody has
   * claimed it again since (its lease ran out meanwhile); resolves whether it was stored.
   */
  abstract completeAttempt(notification: Notification, claimedAttempts: number): Promise<boolean>;
}
