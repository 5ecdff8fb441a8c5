import {
  SAGA_REASONS,
  type OrderChange,
  type OrderSagaState,
  type ReservationOutcome,
  type SagaInput,
  type SagaPhase,
} from './order-saga.state.js';
import type { Compensation, SagaCommand } from './order-saga.steps.js';

export interface SagaClock {
  readonly now: Date;
  /** OMS_ORDER_PAYMENT_TIMEOUT_SECONDS, in ms: how long a RESERVED order waits for payment. */
  readonly paymentTimeoutMs: number;
  /** How long a requested hold may stay unanswered before the saga voids it and gives up. */
  readonly holdTimeoutMs: number;
}

export type SagaDecision =
  | {
      readonly outcome: 'advance';
      readonly state: OrderSagaState;
      /** Aggregate behaviours to apply, in order. */
      readonly order: readonly OrderChange[];
      /** Commands to send through the outbox, in the same transaction. */
      readonly commands: readonly SagaCommand[];
      /** The payment the payment commands are for, when not the saga's current one (a stray hold). */
      readonly paymentId?: string;
    }
  /** A client's cancel or refund that must wait: another operation on the order is in flight. */
  | { readonly outcome: 'busy' }
  /** A duplicate, late or foreign reply with nothing left to do. */
  | { readonly outcome: 'ignore' };

const IGNORE: SagaDecision = { outcome: 'ignore' };
const BUSY: SagaDecision = { outcome: 'busy' };

/** The saga of a new order: reserve its stock. */
export function startSaga(orderId: string): { state: OrderSagaState; commands: readonly SagaCommand[] } {
  return {
    state: { orderId, phase: 'RESERVING', paymentId: null, pending: [], deadline: null, paymentDeadline: null },
    commands: ['inventory.reserve'],
  };
}

function advance(
  state: OrderSagaState,
  patch: Partial<OrderSagaState> & { phase: SagaPhase },
  order: OrderChange[],
  commands: SagaCommand[] = [],
): SagaDecision {
  // `enteredAt` is what the database says of the old state; the store sets it for the new one.
  const { enteredAt: _stored, ...decided } = state;
  return { outcome: 'advance', state: { ...decided, ...patch }, order, commands };
}

/** Starts compensation: sends the undo commands and waits for their replies. */
function compensate(state: OrderSagaState, order: OrderChange[], undo: Compensation[]): SagaDecision {
  const pending = [...new Set([...state.pending, ...undo])];
  return advance(
    state,
    { phase: pending.length > 0 ? 'COMPENSATING' : 'ENDED', pending, deadline: null, paymentDeadline: null },
    order,
    undo,
  );
}

/** One reply of a compensation arrived: drop it from the pending set; the saga ends with the last. */
function settle(state: OrderSagaState, done: Compensation): SagaDecision {
  if (!state.pending.includes(done)) return IGNORE;
  const pending = state.pending.filter((p) => p !== done);
  // A void settled while the order still waits for payment (a late hold undone) leaves it waiting.
  if (state.phase !== 'COMPENSATING' && state.phase !== 'ENDED') return advance(state, { phase: state.phase, pending }, []);
  return advance(state, { phase: pending.length > 0 ? 'COMPENSATING' : 'ENDED', pending }, []);
}

/** Re-sends an undo whose target showed up after the undo was sent (e.g. a late reservation). */
function resend(state: OrderSagaState, undo: Compensation): SagaDecision {
  const pending = state.pending.includes(undo) ? state.pending : [...state.pending, undo];
  return advance(state, { phase: state.phase === 'ENDED' ? 'COMPENSATING' : state.phase, pending }, [], [undo]);
}

/**
 * The order saga as a pure function: the current state and one input give the next state, the
 * changes to apply to the order and the commands to send. Replies may come twice, late or out of
 * order; every such case is either ignored or answered with a compensation, never with a second
 * effect. Money safety first: a hold or capture that shows up where none is wanted is undone.
 */
export function decide(state: OrderSagaState, input: SagaInput, clock: SagaClock): SagaDecision {
  switch (input.kind) {
    case 'reservation':
      return onReservation(state, input.status, clock);
    case 'payment':
      return onPayment(state, input);
    case 'payment-started':
      // A retry waits until the previous attempt's void is confirmed: compensations are per kind.
      if (state.phase !== 'AWAITING_PAYMENT' || state.pending.length > 0) return BUSY;
      return advance(
        state,
        { phase: 'HOLDING', paymentId: input.paymentId, deadline: new Date(clock.now.getTime() + clock.holdTimeoutMs) },
        [],
      );
    case 'cancel-requested':
      if (state.phase === 'RESERVING' || state.phase === 'AWAITING_PAYMENT') {
        return compensate(state, [{ do: 'cancel', reason: input.reason }], ['inventory.release']);
      }
      // While a payment is under way the order is busy; otherwise the aggregate decides (a PAID
      // order being committed is refused by it: refund instead).
      return state.phase === 'HOLDING' || state.phase === 'CAPTURING' ? BUSY : IGNORE;
    case 'refund-requested':
      if (state.phase === 'COMPLETED') {
        return compensate(state, [{ do: 'refund', reason: input.reason }], ['payment.refund', 'inventory.restock']);
      }
      return state.phase === 'CAPTURING' || state.phase === 'COMMITTING' ? BUSY : IGNORE;
    case 'timeout':
      return onTimeout(state, clock);
  }
}

function onReservation(state: OrderSagaState, status: ReservationOutcome, clock: SagaClock): SagaDecision {
  const pendingRelease = state.pending.includes('inventory.release');
  switch (status) {
    case 'RESERVED':
      if (state.phase === 'RESERVING') {
        const paymentDeadline = new Date(clock.now.getTime() + clock.paymentTimeoutMs);
        return advance(state, { phase: 'AWAITING_PAYMENT', deadline: paymentDeadline, paymentDeadline }, [
          { do: 'markReserved' },
        ]);
      }
      // Reserved after the order was given up (a cancel raced the reservation): release it again.
      return pendingRelease ? resend(state, 'inventory.release') : IGNORE;
    case 'REJECTED':
      if (state.phase === 'RESERVING') {
        return advance(state, { phase: 'ENDED', deadline: null, paymentDeadline: null }, [
          { do: 'cancel', reason: SAGA_REASONS.insufficientStock },
        ]);
      }
      // Nothing was reserved, so nothing needs releasing.
      return pendingRelease ? settle(state, 'inventory.release') : IGNORE;
    case 'RELEASED':
      return settle(state, 'inventory.release');
    case 'COMMITTED':
      if (state.phase !== 'COMMITTING') return IGNORE;
      return advance(state, { phase: 'COMPLETED', deadline: null }, [{ do: 'markConfirmed' }]);
    case 'RESTOCKED':
      return settle(state, 'inventory.restock');
  }
}

function onPayment(state: OrderSagaState, input: Extract<SagaInput, { kind: 'payment' }>): SagaDecision {
  const current = input.paymentId === state.paymentId;
  switch (input.op) {
    case 'hold':
      if (input.status === 'HELD') {
        if (current && state.phase === 'HOLDING') {
          return advance(state, { phase: 'CAPTURING', deadline: null, paymentDeadline: null }, [{ do: 'markPaymentHeld' }], [
            'payment.capture',
          ]);
        }
        // A hold nobody is waiting for any more (timed out, canceled, replaced): give the money back.
        if (current && state.phase !== 'CAPTURING' && state.phase !== 'COMMITTING' && state.phase !== 'COMPLETED') {
          return resend(state, 'payment.void');
        }
        // The hold of an attempt already replaced (e.g. it timed out on our side, then the client
        // paid again): void that payment too. Not tracked: the saga follows its current payment.
        if (!current) return { outcome: 'advance', state, order: [], commands: ['payment.void'], paymentId: input.paymentId };
        return IGNORE;
      }
      if (input.status === 'FAILED') {
        if (current && state.phase === 'HOLDING') {
          return advance(state, { phase: 'AWAITING_PAYMENT', deadline: state.paymentDeadline }, [
            { do: 'markPaymentFailed', reason: input.failureReason || 'PAYMENT_DECLINED' },
          ]);
        }
        // A void sent for a hold that then failed has nothing to undo.
        return current && state.pending.includes('payment.void') ? settle(state, 'payment.void') : IGNORE;
      }
      return IGNORE;
    case 'capture':
      if (!current || state.phase !== 'CAPTURING') return IGNORE;
      if (input.status === 'CAPTURED') {
        return advance(state, { phase: 'COMMITTING' }, [{ do: 'markPaid', transactionId: input.transactionId }], ['inventory.commit']);
      }
      if (input.status === 'FAILED') {
        // The hold stands: void it and release the stock (CONTRACT section 6).
        return compensate(state, [{ do: 'cancel', reason: SAGA_REASONS.captureFailed }], ['payment.void', 'inventory.release']);
      }
      return IGNORE;
    case 'void':
      return current && input.status === 'VOIDED' ? settle(state, 'payment.void') : IGNORE;
    case 'refund':
      return current && input.status === 'REFUNDED' ? settle(state, 'payment.refund') : IGNORE;
  }
}

function onTimeout(state: OrderSagaState, clock: SagaClock): SagaDecision {
  if (!state.deadline || state.deadline.getTime() > clock.now.getTime()) return IGNORE;
  if (state.phase === 'AWAITING_PAYMENT') {
    return compensate(state, [{ do: 'cancel', reason: SAGA_REASONS.paymentTimeout }], ['inventory.release']);
  }
  if (state.phase === 'HOLDING') {
    // The hold never answered (payment-service or its answer lost): this attempt failed, and
    // whatever it may hold is voided. The order stays payable, as after a decline, until its own
    // payment deadline: a lost hold is no reason to take the customer's goods away.
    return advance(
      state,
      { phase: 'AWAITING_PAYMENT', pending: [...new Set([...state.pending, 'payment.void' as const])], deadline: state.paymentDeadline },
      [{ do: 'markPaymentFailed', reason: SAGA_REASONS.holdTimeout }],
      ['payment.void'],
    );
  }
  return IGNORE;
}
