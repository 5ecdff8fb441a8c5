import { AggregateRoot } from '#libs/ddd';
import { Money } from './money.js';
import {
  IllegalTransitionError,
  InvalidOrderError,
  OperationInProgressError,
  OrderNotCancelableError,
  OrderNotPayableError,
  OrderNotRefundableError,
  type FieldViolation,
} from './order.errors.js';
import type { OrderEvent } from './order.events.js';
import type { OrderSnapshot, PaymentSnapshot } from './order.snapshot.js';
import { canPaymentTransition, canTransition, type OrderStatus, type PaymentStatus } from './order-status.js';

/** Limits of a CreateOrder request. */
export const ORDER_LIMITS = Object.freeze({ minItems: 1, maxItems: 100, minQty: 1, maxQty: 10_000 });

/** One line of an order: `qty` units of `sku` at `unitPrice` each. */
export interface OrderItem {
  readonly sku: string;
  readonly qty: number;
  readonly unitPrice: Money;
}

/** Input of {@link Order.create}; `now` is passed in so the domain never reads a clock. */
export interface CreateOrderProps {
  readonly id: string;
  readonly customerId: string;
  readonly items: readonly OrderItem[];
  readonly now: Date;
}

/** Input of {@link Order.startPayment}; card data is limited to brand and last four digits. */
export interface StartPaymentProps {
  readonly paymentId: string;
  readonly provider: string;
  readonly method: string;
  readonly cardBrand: string;
  readonly cardLast4: string;
  readonly now: Date;
}

/**
 * An order and its payment. Every behaviour method either refuses with a typed domain error and
 * changes nothing, or applies one change: version + 1, updateTime = now, and events recorded with
 * gap-free sequence numbers per event type.
 */
export class Order extends AggregateRoot<OrderEvent> {
  readonly #id: string;
  readonly #customerId: string;
  readonly #items: readonly OrderItem[];
  readonly #amount: Money;
  readonly #createTime: Date;
  #status: OrderStatus;
  #statusReason: string;
  #version: number;
  #persistedVersion: number;
  #statusSeq: number;
  #paymentSeq: number;
  #updateTime: Date;
  #payment: PaymentSnapshot | null;

  private constructor(s: OrderSnapshot) {
    super();
    const currency = s.amount.currency;
    this.#id = s.id;
    this.#customerId = s.customerId;
    this.#items = Object.freeze(
      s.items.map((i) => Object.freeze({ sku: i.sku, qty: i.qty, unitPrice: Money.of(i.unitPriceMinor, currency) })),
    );
    this.#amount = Money.of(s.amount.amountMinor, currency);
    this.#createTime = new Date(s.createTime.getTime());
    this.#status = s.status;
    this.#statusReason = s.statusReason;
    this.#version = s.version;
    this.#persistedVersion = s.version;
    this.#statusSeq = s.statusSeq;
    this.#paymentSeq = s.paymentSeq;
    this.#updateTime = new Date(s.updateTime.getTime());
    this.#payment = s.payment === null ? null : Object.freeze({ ...s.payment });
  }

  /**
   * A new PENDING order at version 1, its amount computed from the items.
   * @throws InvalidOrderError listing every violation of the CreateOrder rules
   */
  static create(props: CreateOrderProps): Order {
    const violations = validateItems(props.items);
    if (props.customerId.length === 0) violations.unshift({ field: 'customerId', description: 'must not be empty' });
    if (violations.length > 0) throw new InvalidOrderError(violations);

    const currency = props.items[0]!.unitPrice.currency;
    const total = props.items.reduce((sum, i) => sum + i.unitPrice.amountMinor * BigInt(i.qty), 0n);
    let amount: Money;
    try {
      amount = Money.of(total, currency);
    } catch {
      const description = `the order total ${total} ${currency} exceeds the largest representable amount`;
      throw new InvalidOrderError([{ field: 'items', description }]);
    }
    const order = new Order({
      id: props.id,
      customerId: props.customerId,
      status: 'PENDING',
      statusReason: '',
      amount: { currency, amountMinor: amount.amountMinor },
      items: props.items.map((i) => ({ sku: i.sku, qty: i.qty, unitPriceMinor: i.unitPrice.amountMinor })),
      version: 1,
      statusSeq: 1,
      paymentSeq: 0,
      createTime: props.now,
      updateTime: props.now,
      payment: null,
    });
    order.record({
      type: 'order.status_changed',
      orderId: props.id,
      prevStatus: null,
      newStatus: 'PENDING',
      reason: '',
      seq: 1,
      occurredAt: new Date(props.now.getTime()),
    });
    return order;
  }

  /** Rehydrates a persisted order; records no events and takes `persistedVersion` from the snapshot. */
  static restore(snapshot: OrderSnapshot): Order {
    return new Order(snapshot);
  }

  /** The full state, for the repository to persist. */
  toSnapshot(): OrderSnapshot {
    return {
      id: this.#id,
      customerId: this.#customerId,
      status: this.#status,
      statusReason: this.#statusReason,
      amount: { currency: this.#amount.currency, amountMinor: this.#amount.amountMinor },
      items: this.#items.map((i) => ({ sku: i.sku, qty: i.qty, unitPriceMinor: i.unitPrice.amountMinor })),
      version: this.#version,
      statusSeq: this.#statusSeq,
      paymentSeq: this.#paymentSeq,
      createTime: new Date(this.#createTime.getTime()),
      updateTime: new Date(this.#updateTime.getTime()),
      payment: this.#payment === null ? null : { ...this.#payment },
    };
  }

  get id(): string {
    return this.#id;
  }

  get customerId(): string {
    return this.#customerId;
  }

  get status(): OrderStatus {
    return this.#status;
  }

  /** Why the last status change happened, e.g. `PAYMENT_TIMEOUT`; empty when self-evident. */
  get statusReason(): string {
    return this.#statusReason;
  }

  get amount(): Money {
    return this.#amount;
  }

  get items(): readonly OrderItem[] {
    return this.#items;
  }

  get version(): number {
    return this.#version;
  }

  /** The version in the store; the repository writes `... WHERE version = persistedVersion`. */
  get persistedVersion(): number {
    return this.#persistedVersion;
  }

  get createTime(): Date {
    return new Date(this.#createTime.getTime());
  }

  get updateTime(): Date {
    return new Date(this.#updateTime.getTime());
  }

  /** The current (latest) payment; `null` until payment is first started. */
  get payment(): Readonly<PaymentSnapshot> | null {
    return this.#payment;
  }

  /** Called by the repository after a successful write. */
  markPersisted(): void {
    this.#persistedVersion = this.#version;
  }

  /** Stock was reserved: PENDING -> RESERVED. */
  markReserved(now: Date): void {
    this.#assertOrderTransition('RESERVED');
    this.#changeStatus('RESERVED', '', now);
    this.#touch(now);
  }

  /**
   * Starts a payment, only on a RESERVED order with no payment or a declined one (a retry).
   * @throws OrderNotPayableError when the order is not RESERVED
   * @throws OperationInProgressError when a payment is PROCESSING or HELD
   */
  startPayment(props: StartPaymentProps): void {
    if (this.#status !== 'RESERVED') throw new OrderNotPayableError(this.#id, this.#status);
    const current = this.#payment;
    if (current !== null && (current.status === 'PROCESSING' || current.status === 'HELD')) {
      throw new OperationInProgressError(this.#id, current.id, current.status);
    }
    const from = current?.status ?? null;
    if (!canPaymentTransition(from, 'PROCESSING')) {
      throw new IllegalTransitionError({ orderId: this.#id, subject: 'payment', from, to: 'PROCESSING' });
    }
    this.#changePayment(
      {
        id: props.paymentId,
        status: 'PROCESSING',
        provider: props.provider,
        method: props.method,
        cardBrand: props.cardBrand,
        cardLast4: props.cardLast4,
        transactionId: '',
        failureReason: '',
      },
      props.now,
    );
    this.#touch(props.now);
  }

  /** The gateway holds the funds: payment PROCESSING -> HELD. */
  markPaymentHeld(now: Date): void {
    const payment = this.#assertPaymentTransition('HELD');
    this.#changePayment({ ...payment, status: 'HELD' }, now);
    this.#touch(now);
  }

  /** The payment was declined: payment PROCESSING -> FAILED; the order stays RESERVED and may be paid again. */
  markPaymentFailed(reason: string, now: Date): void {
    const payment = this.#assertPaymentTransition('FAILED');
    this.#changePayment({ ...payment, status: 'FAILED', failureReason: reason }, now);
    this.#touch(now);
  }

  /** The payment was captured: payment -> CAPTURED and order RESERVED -> PAID. */
  markPaid(transactionId: string, now: Date): void {
    const payment = this.#assertPaymentTransition('CAPTURED');
    this.#assertOrderTransition('PAID');
    this.#changePayment({ ...payment, status: 'CAPTURED', transactionId }, now);
    this.#changeStatus('PAID', '', now);
    this.#touch(now);
  }

  /** The reservation was committed: PAID -> CONFIRMED. */
  markConfirmed(now: Date): void {
    this.#assertOrderTransition('CONFIRMED');
    this.#changeStatus('CONFIRMED', '', now);
    this.#touch(now);
  }

  /**
   * PENDING or RESERVED -> CANCELED; a HELD payment is VOIDED in the same change.
   * @throws OrderNotCancelableError from PAID or CONFIRMED (refund instead) and from a terminal status
   * @throws OperationInProgressError while a payment is PROCESSING
   */
  cancel(reason: string, now: Date): void {
    if (!canTransition(this.#status, 'CANCELED')) throw new OrderNotCancelableError(this.#id, this.#status);
    const payment = this.#payment;
    if (payment?.status === 'PROCESSING') throw new OperationInProgressError(this.#id, payment.id, payment.status);
    if (payment?.status === 'HELD') this.#changePayment({ ...payment, status: 'VOIDED' }, now);
    this.#changeStatus('CANCELED', reason, now);
    this.#touch(now);
  }

  /**
   * PAID or CONFIRMED -> REFUNDED, payment CAPTURED -> REFUNDED.
   * @throws OrderNotRefundableError from any other status
   */
  refund(reason: string, now: Date): void {
    if (!canTransition(this.#status, 'REFUNDED')) throw new OrderNotRefundableError(this.#id, this.#status);
    const payment = this.#assertPaymentTransition('REFUNDED');
    this.#changePayment({ ...payment, status: 'REFUNDED' }, now);
    this.#changeStatus('REFUNDED', reason, now);
    this.#touch(now);
  }

  #assertOrderTransition(to: OrderStatus): void {
    if (!canTransition(this.#status, to)) {
      throw new IllegalTransitionError({ orderId: this.#id, subject: 'order', from: this.#status, to });
    }
  }

  #assertPaymentTransition(to: PaymentStatus): PaymentSnapshot {
    const payment = this.#payment;
    if (payment === null || !canPaymentTransition(payment.status, to)) {
      throw new IllegalTransitionError({ orderId: this.#id, subject: 'payment', from: payment?.status ?? null, to });
    }
    return payment;
  }

  #changeStatus(to: OrderStatus, reason: string, now: Date): void {
    const prevStatus = this.#status;
    this.#status = to;
    this.#statusReason = reason;
    this.#statusSeq += 1;
    this.record({
      type: 'order.status_changed',
      orderId: this.#id,
      prevStatus,
      newStatus: to,
      reason,
      seq: this.#statusSeq,
      occurredAt: new Date(now.getTime()),
    });
  }

  #changePayment(next: PaymentSnapshot, now: Date): void {
    const prevStatus = this.#payment?.status ?? null;
    this.#payment = Object.freeze(next);
    this.#paymentSeq += 1;
    this.record({
      type: 'payment.status_changed',
      orderId: this.#id,
      paymentId: next.id,
      prevStatus,
      newStatus: next.status,
      provider: next.provider,
      externalId: next.transactionId,
      seq: this.#paymentSeq,
      occurredAt: new Date(now.getTime()),
    });
  }

  #touch(now: Date): void {
    this.#version += 1;
    this.#updateTime = new Date(now.getTime());
  }
}

function validateItems(items: readonly OrderItem[]): FieldViolation[] {
  const { minItems, maxItems, minQty, maxQty } = ORDER_LIMITS;
  const violations: FieldViolation[] = [];
  if (items.length < minItems || items.length > maxItems) {
    violations.push({
      field: 'items',
      description: `must contain between ${minItems} and ${maxItems} items, got ${items.length}`,
    });
  }
  const firstIndexBySku = new Map<string, number>();
  const currency = items[0]?.unitPrice.currency;
  items.forEach((item, i) => {
    if (item.sku.length === 0) {
      violations.push({ field: `items[${i}].sku`, description: 'must not be empty' });
    } else if (firstIndexBySku.has(item.sku)) {
      violations.push({
        field: `items[${i}].sku`,
        description: `sku ${item.sku} already appears in items[${firstIndexBySku.get(item.sku)}]; list each sku once`,
      });
    } else {
      firstIndexBySku.set(item.sku, i);
    }
    if (!Number.isInteger(item.qty) || item.qty < minQty || item.qty > maxQty) {
      violations.push({
        field: `items[${i}].qty`,
        description: `must be a whole number between ${minQty} and ${maxQty}, got ${item.qty}`,
      });
    }
    if (item.unitPrice.currency !== currency) {
      violations.push({
        field: `items[${i}].price`,
        description: `currency ${item.unitPrice.currency} differs from ${currency} of items[0]; use one currency`,
      });
    }
  });
  return violations;
}
