import type { Compensation } from './order-saga.steps.js';

/**
 * Where an order's workflow stands.
 * - RESERVING: `inventory.reserve` sent.
 * - AWAITING_PAYMENT: stock reserved; waiting for PayOrder until the payment deadline.
 * - HOLDING: the hold was requested from payment-service; waiting for its result.
 * - CAPTURING: `payment.capture` sent. COMMITTING: `inventory.commit` sent.
 * - COMPLETED: confirmed; a refund may still start compensation.
 * - COMPENSATING: undo commands sent, replies outstanding. ENDED: nothing left to do.
 */
export const SAGA_PHASES = [
  'RESERVING',
  'AWAITING_PAYMENT',
  'HOLDING',
  'CAPTURING',
  'COMMITTING',
  'COMPLETED',
  'COMPENSATING',
  'ENDED',
] as const;
export type SagaPhase = (typeof SAGA_PHASES)[number];

export interface OrderSagaState {
  readonly orderId: string;
  readonly phase: SagaPhase;
  /** The payment being held or captured; null before PayOrder. */
  readonly paymentId: string | null;
  /** Compensations sent whose replies have not arrived yet. */
  readonly pending: readonly Compensation[];
  /** When the current wait times out (payment deadline, or hold deadline); null when none. */
  readonly deadline: Date | null;
  /** When an unpaid RESERVED order is given up; kept across declined attempts. */
  readonly paymentDeadline: Date | null;
  /** When the saga entered `phase`, as stored; absent in a state the saga has just decided. */
  readonly enteredAt?: Date;
}

/** What the saga is told: replies of other services, and what the order's own commands started. */
export type SagaInput =
  | { readonly kind: 'reservation'; readonly status: ReservationOutcome }
  | { readonly kind: 'payment-started'; readonly paymentId: string }
  | {
      readonly kind: 'payment';
      readonly op: 'hold' | 'capture' | 'void' | 'refund';
      readonly paymentId: string;
      readonly status: PaymentOutcome;
      readonly failureReason: string;
      readonly transactionId: string;
    }
  | { readonly kind: 'cancel-requested'; readonly reason: string }
  | { readonly kind: 'refund-requested'; readonly reason: string }
  | { readonly kind: 'timeout' };

export type ReservationOutcome = 'RESERVED' | 'REJECTED' | 'RELEASED' | 'COMMITTED' | 'RESTOCKED';
export type PaymentOutcome = 'HELD' | 'FAILED' | 'CAPTURED' | 'VOIDED' | 'REFUNDED';

/** A behaviour of the Order aggregate the saga's decision calls for. */
export type OrderChange =
  | { readonly do: 'markReserved' }
  | { readonly do: 'markPaymentHeld' }
  | { readonly do: 'markPaymentFailed'; readonly reason: string }
  | { readonly do: 'markPaid'; readonly transactionId: string }
  | { readonly do: 'markConfirmed' }
  | { readonly do: 'cancel'; readonly reason: string }
  | { readonly do: 'refund'; readonly reason: string };

/** Order status reasons the saga sets (CONTRACT section 6). */
export const SAGA_REASONS = Object.freeze({
  insufficientStock: 'INSUFFICIENT_STOCK',
  paymentTimeout: 'PAYMENT_TIMEOUT',
  captureFailed: 'CAPTURE_FAILED',
  holdTimeout: 'HOLD_TIMEOUT',
});
