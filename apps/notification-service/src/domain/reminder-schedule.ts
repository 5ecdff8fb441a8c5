/** When a payment reminder is due, and when it is pointless. */
export interface ReminderSchedule {
  /** `reservedAt + timeout - lead`, never before `reservedAt`. */
  readonly dueAt: Date;
  /** The payment deadline, `reservedAt + timeout`: an unsent reminder is void from then on. */
  readonly expiresAt: Date;
}

/**
 * The payment reminder of an order reserved at `reservedAt`: `leadSeconds` before the payment
 * deadline (OMS_ORDER_PAYMENT_TIMEOUT_SECONDS after the reservation, as order-service counts it).
 * A lead longer than the timeout is clamped so the reminder is due at the reservation itself.
 */
export function paymentReminderSchedule(reservedAt: Date, timeoutSeconds: number, leadSeconds: number): ReminderSchedule {
  if (!(timeoutSeconds > 0)) throw new RangeError(`timeoutSeconds must be positive, got ${timeoutSeconds}`);
  if (!(leadSeconds >= 0)) throw new RangeError(`leadSeconds must not be negative, got ${leadSeconds}`);
  const reserved = reservedAt.getTime();
  const expires = reserved + timeoutSeconds * 1000;
  return { dueAt: new Date(Math.max(reserved, expires - leadSeconds * 1000)), expiresAt: new Date(expires) };
}
