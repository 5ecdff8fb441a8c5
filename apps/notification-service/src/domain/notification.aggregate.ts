import type { Channel } from './channel.js';
import type { NotificationKind } from './notification-kind.js';
import { NotificationSettledError } from './notification.errors.js';
import { canTransition, type NotificationStatus } from './notification-status.js';
import type { MessageContent } from './notification.templates.js';
import type { Recipient } from './recipient.js';
import type { RetryPolicy } from './retry-policy.js';

/** A notification's full state, as stored. */
export interface NotificationSnapshot {
  readonly id: string;
  /** Null for a DIRECT message. */
  readonly orderId: string | null;
  readonly customerId: string;
  readonly kind: NotificationKind;
  /** Null when SKIPPED for want of a recipient. */
  readonly channel: Channel | null;
  readonly recipient: string | null;
  readonly subject: string;
  readonly body: string;
  readonly status: NotificationStatus;
  /** Attempts started so far (a started attempt counts, also if the process died during it). */
  readonly attempts: number;
  readonly lastError: string | null;
  readonly providerMessageId: string | null;
  /** When it was first meant to go out (a reminder's due time; else its creation). */
  readonly dueAt: Date;
  /** When the next attempt may start; while an attempt runs, the end of its lease. */
  readonly nextAttemptAt: Date;
  /** Set while an attempt is in flight: nobody else takes or cancels it before then. */
  readonly leaseUntil: Date | null;
  /** After this, an unsent notification is pointless (a reminder past the payment deadline). */
  readonly expiresAt: Date | null;
  readonly createTime: Date;
  readonly updateTime: Date;
}

export interface NewNotification {
  readonly id: string;
  readonly orderId: string | null;
  readonly customerId: string;
  readonly kind: NotificationKind;
  readonly recipient: Recipient | null;
  readonly content: MessageContent;
  readonly now: Date;
  /** Default: now. */
  readonly dueAt?: Date;
  readonly expiresAt?: Date | null;
}

/** Why a notification without a recipient is skipped. */
export const NO_RECIPIENT = 'NO_RECIPIENT';

/**
 * One message to one customer and its delivery: PENDING until an attempt succeeds (SENT), the
 * attempts run out (FAILED) or it becomes pointless (CANCELED); SKIPPED from the start when there is
 * nobody to send it to. Attempts are bounded by a {@link RetryPolicy} with exponential backoff.
 */
export class Notification {
  #s: NotificationSnapshot;

  private constructor(snapshot: NotificationSnapshot) {
    this.#s = snapshot;
  }

  static create(props: NewNotification): Notification {
    const due = props.dueAt ?? props.now;
    return new Notification({
      id: props.id,
      orderId: props.orderId,
      customerId: props.customerId,
      kind: props.kind,
      channel: props.recipient?.channel ?? null,
      recipient: props.recipient?.address ?? null,
      subject: props.content.subject,
      body: props.content.body,
      status: props.recipient ? 'PENDING' : 'SKIPPED',
      attempts: 0,
      lastError: props.recipient ? null : NO_RECIPIENT,
      providerMessageId: null,
      dueAt: due,
      nextAttemptAt: due,
      leaseUntil: null,
      expiresAt: props.expiresAt ?? null,
      createTime: props.now,
      updateTime: props.now,
    });
  }

  static restore(snapshot: NotificationSnapshot): Notification {
    return new Notification({ ...snapshot });
  }

  snapshot(): NotificationSnapshot {
    return { ...this.#s };
  }

  get id(): string {
    return this.#s.id;
  }

  get status(): NotificationStatus {
    return this.#s.status;
  }

  get attempts(): number {
    return this.#s.attempts;
  }

  /** The recipient; only a SKIPPED notification has none. */
  get recipient(): Recipient | null {
    return this.#s.channel && this.#s.recipient ? { channel: this.#s.channel, address: this.#s.recipient } : null;
  }

  get content(): MessageContent {
    return { subject: this.#s.subject, body: this.#s.body };
  }

  /** Whether an attempt may start now: pending, due, not leased, not expired. */
  isDue(now: Date): boolean {
    return this.#s.status === 'PENDING' && this.#s.nextAttemptAt <= now && !this.isExpired(now);
  }

  isExpired(now: Date): boolean {
    return this.#s.expiresAt !== null && this.#s.expiresAt <= now;
  }

  /**
   * Starts an attempt: counts it and leases the notification until `now + leaseMs`, so that a
   * process dying mid-send leaves it to be tried again once the lease ends. (The dispatcher's
   * repository does the same to many rows at once in SQL.)
   */
  startAttempt(now: Date, leaseMs: number): void {
    this.#require('PENDING', 'attempted');
    const until = new Date(now.getTime() + leaseMs);
    this.#set('PENDING', now, { attempts: this.#s.attempts + 1, leaseUntil: until, nextAttemptAt: until });
  }

  /** The provider accepted the message. */
  markSent(providerMessageId: string, now: Date): void {
    this.#require('SENT', 'sent');
    this.#set('SENT', now, { providerMessageId: providerMessageId || null, lastError: null, leaseUntil: null });
  }

  /**
   * The current attempt failed: scheduled again after the policy's backoff, or FAILED once the
   * attempts are used up. Returns the status it ends in.
   */
  recordFailure(error: string, now: Date, policy: RetryPolicy): NotificationStatus {
    const attempt = Math.max(1, this.#s.attempts);
    if (policy.mayRetryAfter(attempt)) {
      this.#require('PENDING', 'retried');
      this.#set('PENDING', now, {
        lastError: error,
        leaseUntil: null,
        nextAttemptAt: new Date(now.getTime() + policy.delayAfter(attempt)),
      });
    } else {
      this.#require('FAILED', 'failed');
      this.#set('FAILED', now, { lastError: error, leaseUntil: null });
    }
    return this.#s.status;
  }

  /** No longer wanted (the order left RESERVED, or the deadline passed); `reason` is kept. */
  cancel(reason: string, now: Date): void {
    this.#require('CANCELED', 'canceled');
    this.#set('CANCELED', now, { lastError: reason, leaseUntil: null });
  }

  #require(to: NotificationStatus, attempted: string): void {
    if (!canTransition(this.#s.status, to)) throw new NotificationSettledError(this.#s.id, this.#s.status, attempted);
  }

  #set(status: NotificationStatus, now: Date, changes: Partial<NotificationSnapshot>): void {
    this.#s = { ...this.#s, ...changes, status, updateTime: now };
  }
}
