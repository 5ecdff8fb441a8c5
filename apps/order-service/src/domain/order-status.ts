/** Every status an order can be in, in lifecycle order. */
export const ORDER_STATUSES = ['PENDING', 'RESERVED', 'PAID', 'CONFIRMED', 'CANCELED', 'REFUNDED'] as const;

/** Status of an order. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The order state machine as data: the statuses each status may move to.
 * A PAID order is never canceled, only refunded, because money has already moved.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = Object.freeze({
  PENDING: ['RESERVED', 'CANCELED'],
  RESERVED: ['PAID', 'CANCELED'],
  PAID: ['CONFIRMED', 'REFUNDED'],
  CONFIRMED: ['REFUNDED'],
  CANCELED: [],
  REFUNDED: [],
});

/** Whether the order state machine allows `from -> to`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Whether no transition leaves `status`. */
export function isTerminal(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}

/** Every status a payment can be in. */
export const PAYMENT_STATUSES = ['PROCESSING', 'HELD', 'CAPTURED', 'FAILED', 'VOIDED', 'REFUNDED'] as const;

/** Status of an order's payment. */
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * The payment state machine as data. FAILED -> PROCESSING is a retry with a new payment
 * replacing the declined one; a capture failing after a hold voids the hold instead of failing it.
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = Object.freeze({
  PROCESSING: ['HELD', 'CAPTURED', 'FAILED'],
  HELD: ['CAPTURED', 'VOIDED'],
  CAPTURED: ['REFUNDED'],
  FAILED: ['PROCESSING'],
  VOIDED: [],
  REFUNDED: [],
});

/** Whether the payment state machine allows `from -> to`; `null` is "no payment yet". */
export function canPaymentTransition(from: PaymentStatus | null, to: PaymentStatus): boolean {
  return from === null ? to === 'PROCESSING' : PAYMENT_TRANSITIONS[from].includes(to);
}
