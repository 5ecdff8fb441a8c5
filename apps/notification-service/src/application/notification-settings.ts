import { RetryPolicy } from '../domain/retry-policy.js';

/** How notification-service schedules and retries; from its configuration. */
export class NotificationSettings {
  constructor(
    /** OMS_ORDER_PAYMENT_TIMEOUT_SECONDS, the same setting order-service times orders out by. */
    readonly paymentTimeoutSeconds: number,
    /** OMS_PAYMENT_REMINDER_BEFORE_SECONDS: how long before that deadline the reminder goes out. */
    readonly reminderLeadSeconds: number,
    /** Attempts and backoff of the dispatcher. */
    readonly retry: RetryPolicy,
    /** How long an attempt may take before another replica may take the notification over. */
    readonly leaseMs = 60_000,
    /** Notifications claimed (and sent concurrently) per dispatcher round. */
    readonly batchSize = 10,
  ) {}
}

/** A DIRECT send is tried once: its caller learns the outcome and decides about retrying. */
export const SINGLE_ATTEMPT = new RetryPolicy(1, 0, 0);
