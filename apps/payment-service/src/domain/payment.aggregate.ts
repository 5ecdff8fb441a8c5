import { AggregateRoot } from '#libs/ddd';
import { Money } from './money.js';
import {
  IllegalTransitionError,
  InvalidPaymentError,
  OperationInProgressError,
  PaymentNotCapturableError,
  PaymentNotRefundableError,
  PaymentNotVoidableError,
  type FieldViolation,
} from './payment.errors.js';
import type { PaymentEvent } from './payment.events.js';
import type { PaymentSnapshot } from './payment.snapshot.js';
import { OPERATION_OUTCOMES, type PaymentOperation, type PaymentStatus } from './payment-status.js';

/** Input of {@link Payment.start}: what the gateway kept of the card (brand, last 4, token), never the card. */
export interface StartPaymentProps {
  readonly id: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly amount: Money;
  readonly method: string;
  readonly provider: string;
  readonly cardBrand: string;
  readonly cardLast4: string;
  readonly gatewayToken: string;
  readonly now: Date;
}

/**
 * What a capture, void or refund request amounts to:
 * - `requested`: the payment changed and the operation must now be sent to the gateway;
 * - `in_flight`: the same operation was already sent; its outcome will answer this request too;
 * - `settled`: the operation's outcome is already known; answer it again, change nothing.
 */
export type RequestDecision = 'requested' | 'in_flight' | 'settled';

/** The gateway's answer to an operation. */
export interface GatewayOutcome {
  readonly operation: PaymentOperation;
  readonly succeeded: boolean;
  /** Why it failed, e.g. PAYMENT_DECLINED; ignored on success. */
  readonly failureReason?: string;
  /** The gateway's transaction id; kept from the first outcome that carries one. */
  readonly transactionId?: string;
}

/**
 * One payment attempt of an order: a hold on a card, then its capture, void or refund. Each
 * request method is idempotent (see {@link RequestDecision}); an accepted change bumps the version
 * by exactly 1 and records an event; a refused one throws a typed domain error and changes nothing.
 * At most one capture happens (CAPTURED is entered once), a refund only after it, and FAILED,
 * VOIDED and REFUNDED absorb every later request and outcome.
 */
export class Payment extends AggregateRoot<PaymentEvent> {
  #s: PaymentSnapshot;
  #persistedVersion: number;

  private constructor(snapshot: PaymentSnapshot) {
    super();
    this.#s = freeze(snapshot);
    this.#persistedVersion = snapshot.version;
  }

  /**
   * A new PROCESSING payment at version 1 whose hold the gateway has accepted.
   * @throws InvalidPaymentError listing every rule the props break
   */
  static start(props: StartPaymentProps): Payment {
    const violations = validateStart(props);
    if (violations.length > 0) throw new InvalidPaymentError(violations);
    const payment = new Payment({
      id: props.id,
      orderId: props.orderId,
      customerId: props.customerId,
      status: 'PROCESSING',
      pendingOperation: 'hold',
      amount: { currency: props.amount.currency, amountMinor: props.amount.amountMinor },
      capturedMinor: 0n,
      refundedMinor: 0n,
      method: props.method,
      provider: props.provider,
      cardBrand: props.cardBrand,
      cardLast4: props.cardLast4,
      gatewayToken: props.gatewayToken,
      transactionId: '',
      failureReason: '',
      statusReason: '',
      version: 1,
      createTime: props.now,
      updateTime: props.now,
    });
    payment.#recordRequested('hold', props.now);
    return payment;
  }

  /** Rehydrates a persisted payment; records no events and takes `persistedVersion` from the snapshot. */
  static restore(snapshot: PaymentSnapshot): Payment {
    return new Payment(snapshot);
  }

  /** The full state, a copy. */
  toSnapshot(): PaymentSnapshot {
    return copy(this.#s);
  }

  get id(): string {
    return this.#s.id;
  }

  get orderId(): string {
    return this.#s.orderId;
  }

  get customerId(): string {
    return this.#s.customerId;
  }

  get status(): PaymentStatus {
    return this.#s.status;
  }

  get pendingOperation(): PaymentOperation | null {
    return this.#s.pendingOperation;
  }

  get amount(): Money {
    return Money.of(this.#s.amount.amountMinor, this.#s.amount.currency);
  }

  get gatewayToken(): string {
    return this.#s.gatewayToken;
  }

  get version(): number {
    return this.#s.version;
  }

  /** The version in the store; the repository writes `... WHERE version = persistedVersion`. */
  get persistedVersion(): number {
    return this.#persistedVersion;
  }

  /** Called by the repository after a successful write. */
  markPersisted(): void {
    this.#persistedVersion = this.#s.version;
  }

  /**
   * Asks for the held funds to be captured, in full.
   * @throws OperationInProgressError while the hold or a void is in flight
   * @throws PaymentNotCapturableError when nothing is held (FAILED, VOIDED)
   */
  requestCapture(now: Date): RequestDecision {
    const { status, pendingOperation: pending } = this.#s;
    switch (status) {
      case 'HELD':
        if (pending === 'capture') return 'in_flight';
        if (pending !== null) throw new OperationInProgressError(this.id, pending, 'capture');
        this.#request('capture', '', now);
        return 'requested';
      case 'PROCESSING':
        throw new OperationInProgressError(this.id, 'hold', 'capture');
      case 'CAPTURED':
      case 'CAPTURE_FAILED':
      case 'REFUNDED':
        return 'settled';
      case 'FAILED':
      case 'VOIDED':
        throw new PaymentNotCapturableError(this.id, status);
    }
  }

  /**
   * Asks for the hold to be released, also after a failed capture. A FAILED or VOIDED payment
   * holds nothing: the request is settled without a change.
   * @throws OperationInProgressError while the hold or a capture is in flight
   * @throws PaymentNotVoidableError once captured (refund instead)
   */
  requestVoid(reason: string, now: Date): RequestDecision {
    const { status, pendingOperation: pending } = this.#s;
    switch (status) {
      case 'HELD':
      case 'CAPTURE_FAILED':
        if (pending === 'void') return 'in_flight';
        if (pending !== null) throw new OperationInProgressError(this.id, pending, 'void');
        this.#request('void', reason, now);
        return 'requested';
      case 'PROCESSING':
        throw new OperationInProgressError(this.id, 'hold', 'void');
      case 'FAILED':
      case 'VOIDED':
        return 'settled';
      case 'CAPTURED':
      case 'REFUNDED':
        throw new PaymentNotVoidableError(this.id, status);
    }
  }

  /**
   * Asks for the captured amount to be returned in full.
   * @throws OperationInProgressError while a capture is in flight
   * @throws PaymentNotRefundableError when nothing was captured
   */
  requestRefund(reason: string, now: Date): RequestDecision {
    const { status, pendingOperation: pending } = this.#s;
    if (status === 'CAPTURED') {
      if (pending === 'refund') return 'in_flight';
      this.#request('refund', reason, now);
      return 'requested';
    }
    if (status === 'REFUNDED') return 'settled';
    if (pending === 'capture' || pending === 'hold') throw new OperationInProgressError(this.id, pending, 'refund');
    throw new PaymentNotRefundableError(this.id, status);
  }

  /**
   * Applies the gateway's outcome of an operation. The gateway is the authority on what happened
   * to the money, so an outcome applies whenever the status allows it, even if this side has not
   * (yet) recorded the request: the request's own conditional write then loses and is retried.
   * @returns false when the outcome is already reflected (a duplicate): nothing changed
   * @throws IllegalTransitionError when the outcome contradicts the payment's status
   */
  recordOutcome(outcome: GatewayOutcome, now: Date): boolean {
    const rule = OPERATION_OUTCOMES[outcome.operation];
    const from = this.#s.status;
    const to = outcome.succeeded ? rule.succeeded : rule.failed;
    if (!rule.from.includes(from)) {
      if (to === from) return false;
      throw new IllegalTransitionError(this.id, from, to ?? outcome.operation);
    }
    // A failed void or refund changes no status; without a pending request it is a duplicate.
    if (to === null && this.#s.pendingOperation !== outcome.operation) return false;

    const next: PaymentSnapshot = {
      ...this.#s,
      status: to ?? from,
      pendingOperation: null,
      failureReason: outcome.succeeded ? '' : outcome.failureReason || defaultFailure(outcome.operation),
      transactionId: this.#s.transactionId || (outcome.transactionId ?? ''),
      capturedMinor: to === 'CAPTURED' ? this.#s.amount.amountMinor : this.#s.capturedMinor,
      refundedMinor: to === 'REFUNDED' ? this.#s.capturedMinor : this.#s.refundedMinor,
    };
    this.#change(next, now);
    this.record({
      type: 'payment.operation_settled',
      paymentId: this.id,
      orderId: this.orderId,
      operation: outcome.operation,
      succeeded: outcome.succeeded,
      prevStatus: from,
      newStatus: next.status,
      occurredAt: new Date(now.getTime()),
    });
    return true;
  }

  #request(operation: PaymentOperation, reason: string, now: Date): void {
    this.#change({ ...this.#s, pendingOperation: operation, statusReason: reason || this.#s.statusReason }, now);
    this.#recordRequested(operation, now);
  }

  #recordRequested(operation: PaymentOperation, now: Date): void {
    this.record({
      type: 'payment.operation_requested',
      paymentId: this.id,
      orderId: this.orderId,
      operation,
      occurredAt: new Date(now.getTime()),
    });
  }

  #change(next: PaymentSnapshot, now: Date): void {
    this.#s = freeze({ ...next, version: this.#s.version + 1, updateTime: now });
  }
}

function defaultFailure(operation: PaymentOperation): string {
  return operation === 'hold' ? 'PAYMENT_DECLINED' : `${operation.toUpperCase()}_FAILED`;
}

function validateStart(p: StartPaymentProps): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const required: [string, string][] = [
    ['paymentId', p.id],
    ['orderId', p.orderId],
    ['customerId', p.customerId],
    ['paymentMethod', p.method],
    ['provider', p.provider],
    ['cardBrand', p.cardBrand],
    ['gatewayToken', p.gatewayToken],
  ];
  for (const [field, value] of required) {
    if (value.length === 0) violations.push({ field, description: 'must not be empty' });
  }
  if (!/^\d{4}$/.test(p.cardLast4)) violations.push({ field: 'cardLast4', description: 'must be 4 digits' });
  if (p.amount.amountMinor <= 0n) {
    violations.push({ field: 'amount.amountMinor', description: `must be greater than 0, got ${p.amount.amountMinor}` });
  }
  return violations;
}

function copy(s: PaymentSnapshot): PaymentSnapshot {
  return {
    ...s,
    amount: { ...s.amount },
    createTime: new Date(s.createTime.getTime()),
    updateTime: new Date(s.updateTime.getTime()),
  };
}

function freeze(s: PaymentSnapshot): PaymentSnapshot {
  const own = copy(s);
  Object.freeze(own.amount);
  return Object.freeze(own);
}
