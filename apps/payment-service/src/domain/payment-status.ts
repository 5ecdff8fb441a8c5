/**
 * Every status a payment attempt can be in. The wire (`oms.v1.PaymentStatus`) has no
 * CAPTURE_FAILED: it is published as FAILED with failure reason CAPTURE_FAILED. It is a status of
 * its own here because, unlike a declined hold, the funds are still held and must be voided.
 */
export const PAYMENT_STATUSES = ['PROCESSING', 'HELD', 'CAPTURE_FAILED', 'CAPTURED', 'FAILED', 'VOIDED', 'REFUNDED'] as const;

/** Status of a payment attempt. */
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** What payment-service asks of the card gateway; each is asked at most once per payment. */
export const PAYMENT_OPERATIONS = ['hold', 'capture', 'void', 'refund'] as const;

/** An operation at the gateway. */
export type PaymentOperation = (typeof PAYMENT_OPERATIONS)[number];

/**
 * The payment state machine as data: the statuses each status may move to.
 * PROCESSING waits for the hold; CAPTURE_FAILED still holds the funds, so it can only be voided.
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = Object.freeze({
  PROCESSING: ['HELD', 'FAILED'],
  HELD: ['CAPTURED', 'CAPTURE_FAILED', 'VOIDED'],
  CAPTURE_FAILED: ['VOIDED'],
  CAPTURED: ['REFUNDED'],
  FAILED: [],
  VOIDED: [],
  REFUNDED: [],
});

/**
 * Where each operation's gateway outcome leads, and from where it may be applied. A void releases
 * a plain hold as well as one whose capture failed.
 */
export const OPERATION_OUTCOMES: Readonly<
  Record<PaymentOperation, { readonly from: readonly PaymentStatus[]; readonly succeeded: PaymentStatus; readonly failed: PaymentStatus | null }>
> = Object.freeze({
  hold: { from: ['PROCESSING'], succeeded: 'HELD', failed: 'FAILED' },
  capture: { from: ['HELD'], succeeded: 'CAPTURED', failed: 'CAPTURE_FAILED' },
  // A failed void or refund leaves the status as it was; the failure reason records it.
  void: { from: ['HELD', 'CAPTURE_FAILED'], succeeded: 'VOIDED', failed: null },
  refund: { from: ['CAPTURED'], succeeded: 'REFUNDED', failed: null },
});

/** Whether the state machine allows `from -> to`. */
export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return PAYMENT_TRANSITIONS[from].includes(to);
}

/** Whether no transition leaves `status`. */
export function isTerminal(status: PaymentStatus): boolean {
  return PAYMENT_TRANSITIONS[status].length === 0;
}
