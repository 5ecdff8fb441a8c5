import { AggregateRoot } from '#libs/ddd';
import type { ReservationStatusChangedEvent } from './inventory.events.js';
import {
  InvalidReservationError,
  ReservationConflictError,
  ReservationNotCommittableError,
  type FieldViolation,
} from './inventory.errors.js';
import type { Product } from './product.aggregate.js';
import { INSUFFICIENT_STOCK, type ReservationStatus } from './reservation-status.js';

/** Limits of a Reserve request (inventory.proto ReserveRequest). */
export const RESERVATION_LIMITS = Object.freeze({
  orderIdMaxLength: 128,
  skuMaxLength: 64,
  minItems: 1,
  maxItems: 100,
  minQty: 1,
  maxQty: 10_000,
});

/** `qty` units of `sku`. */
export interface ReservationItem {
  readonly sku: string;
  readonly qty: number;
}

/** The full state of a reservation, for persistence and rehydration. */
export interface ReservationSnapshot {
  readonly orderId: string;
  readonly status: ReservationStatus;
  readonly items: readonly ReservationItem[];
  /** Set when REJECTED. */
  readonly failureReason: string;
  /** Set when REJECTED: unknown or short skus, in request order. */
  readonly unavailableSkus: readonly string[];
  /** The caller's reason for the last release or restock, kept for audit. */
  readonly statusReason: string;
  readonly version: number;
  readonly createTime: Date;
  readonly updateTime: Date;
}

/** The products of a reservation's skus, as loaded (and locked) by the caller. */
export type ProductsBySku = ReadonlyMap<string, Product>;

/**
 * The stock held for one order, keyed by the order id. Every behaviour is idempotent: applied to a
 * reservation that already reached its outcome it changes nothing, so a repeated command answers
 * the same state. Stock moves on the given products in the same step as the status.
 *
 * | from \ op  | release            | commit                 | restock              |
 * |------------|--------------------|------------------------|----------------------|
 * | RESERVED   | RELEASED (give back) | COMMITTED (sell)     | RELEASED (give back) |
 * | REJECTED   | no change          | NotCommittable         | no change            |
 * | RELEASED   | no change          | NotCommittable         | no change            |
 * | COMMITTED  | no change          | no change              | RESTOCKED (on hand)  |
 * | RESTOCKED  | no change          | no change              | no change            |
 */
export class Reservation extends AggregateRoot<ReservationStatusChangedEvent> {
  readonly #orderId: string;
  readonly #items: readonly ReservationItem[];
  readonly #failureReason: string;
  readonly #unavailableSkus: readonly string[];
  readonly #createTime: Date;
  #status: ReservationStatus;
  #statusReason: string;
  #version: number;
  #persistedVersion: number;
  #updateTime: Date;

  private constructor(s: ReservationSnapshot) {
    super();
    this.#orderId = s.orderId;
    this.#items = Object.freeze(s.items.map((i) => Object.freeze({ sku: i.sku, qty: i.qty })));
    this.#failureReason = s.failureReason;
    this.#unavailableSkus = Object.freeze([...s.unavailableSkus]);
    this.#createTime = new Date(s.createTime.getTime());
    this.#status = s.status;
    this.#statusReason = s.statusReason;
    this.#version = s.version;
    this.#persistedVersion = s.version;
    this.#updateTime = new Date(s.updateTime.getTime());
  }

  /**
   * Reserves every item of an order or none: RESERVED with the units held on `products`, or
   * REJECTED (INSUFFICIENT_STOCK) listing each sku that is unknown (absent from `products`) or short.
   * @throws InvalidReservationError listing every broken request rule; nothing is held then
   */
  static place(props: {
    readonly orderId: string;
    readonly items: readonly ReservationItem[];
    readonly products: ProductsBySku;
    readonly now: Date;
  }): Reservation {
    Reservation.assertValidRequest(props.orderId, props.items);
    const unavailableSkus = props.items
      .filter((i) => (props.products.get(i.sku)?.available ?? 0) < i.qty)
      .map((i) => i.sku);
    const rejected = unavailableSkus.length > 0;
    if (!rejected) for (const item of props.items) props.products.get(item.sku)!.hold(item.qty, props.now);
    const reservation = new Reservation({
      orderId: props.orderId,
      status: rejected ? 'REJECTED' : 'RESERVED',
      items: props.items,
      failureReason: rejected ? INSUFFICIENT_STOCK : '',
      unavailableSkus,
      statusReason: '',
      version: 1,
      createTime: props.now,
      updateTime: props.now,
    });
    reservation.record({
      type: 'reservation.status_changed',
      orderId: props.orderId,
      prevStatus: null,
      newStatus: reservation.status,
      reason: reservation.failureReason,
      occurredAt: new Date(props.now.getTime()),
    });
    return reservation;
  }

  /**
   * Checks a Reserve request on its own, before anything is looked up.
   * @throws InvalidReservationError listing every broken rule
   */
  static assertValidRequest(orderId: string, items: readonly ReservationItem[]): void {
    const violations = validateRequest(orderId, items);
    if (violations.length > 0) throw new InvalidReservationError(violations);
  }

  /** Rehydrates a stored reservation; records no events. */
  static restore(snapshot: ReservationSnapshot): Reservation {
    return new Reservation(snapshot);
  }

  toSnapshot(): ReservationSnapshot {
    return {
      orderId: this.#orderId,
      status: this.#status,
      items: this.#items.map((i) => ({ ...i })),
      failureReason: this.#failureReason,
      unavailableSkus: [...this.#unavailableSkus],
      statusReason: this.#statusReason,
      version: this.#version,
      createTime: new Date(this.#createTime.getTime()),
      updateTime: new Date(this.#updateTime.getTime()),
    };
  }

  get orderId(): string {
    return this.#orderId;
  }

  get status(): ReservationStatus {
    return this.#status;
  }

  get items(): readonly ReservationItem[] {
    return this.#items;
  }

  get failureReason(): string {
    return this.#failureReason;
  }

  get unavailableSkus(): readonly string[] {
    return this.#unavailableSkus;
  }

  get statusReason(): string {
    return this.#statusReason;
  }

  get version(): number {
    return this.#version;
  }

  /** The version in the store; the repository updates `... WHERE version = persistedVersion`. */
  get persistedVersion(): number {
    return this.#persistedVersion;
  }

  /** The skus whose products a transition of this reservation may touch. */
  get skus(): string[] {
    return this.#items.map((i) => i.sku);
  }

  /**
   * Whether some operation may still move stock: units are held (RESERVED) or sold (COMMITTED).
   * Otherwise every operation is a no-op or a refusal, and the products need not be loaded.
   */
  get mayMoveStock(): boolean {
    return this.#status === 'RESERVED' || this.#status === 'COMMITTED';
  }

  /** Called by the repository after a successful write. */
  markPersisted(): void {
    this.#persistedVersion = this.#version;
  }

  /**
   * A Reserve repeated for this order: the same items (in any order) are the same request and
   * change nothing, whatever became of the reservation since.
   * @throws ReservationConflictError when the items differ
   */
  confirmRepeat(items: readonly ReservationItem[]): void {
    if (!sameItems(this.#items, items)) throw new ReservationConflictError(this.#orderId);
  }

  /** RESERVED -> RELEASED, the held units given back; any other status: no change. */
  release(products: ProductsBySku, reason: string, now: Date): void {
    if (this.#status !== 'RESERVED') return;
    for (const item of this.#items) productOf(products, item.sku).releaseHold(item.qty, now);
    this.#change('RELEASED', reason, now);
  }

  /**
   * RESERVED -> COMMITTED, the held units sold; COMMITTED or RESTOCKED: no change (the sale happened).
   * @throws ReservationNotCommittableError when REJECTED or RELEASED: no units are held to sell
   */
  commit(products: ProductsBySku, now: Date): void {
    if (this.#status === 'COMMITTED' || this.#status === 'RESTOCKED') return;
    if (this.#status !== 'RESERVED') throw new ReservationNotCommittableError(this.#orderId, this.#status);
    for (const item of this.#items) productOf(products, item.sku).sell(item.qty, now);
    this.#change('COMMITTED', '', now);
  }

  /**
   * After a refund: COMMITTED -> RESTOCKED, the sold units back on hand; RESERVED -> RELEASED, the
   * held units given back; any other status: no change (nothing was taken).
   */
  restock(products: ProductsBySku, reason: string, now: Date): void {
    if (this.#status === 'RESERVED') {
      this.release(products, reason, now);
      return;
    }
    if (this.#status !== 'COMMITTED') return;
    for (const item of this.#items) productOf(products, item.sku).restock(item.qty, now);
    this.#change('RESTOCKED', reason, now);
  }

  #change(to: ReservationStatus, reason: string, now: Date): void {
    const prevStatus = this.#status;
    this.#status = to;
    this.#statusReason = reason;
    this.#version += 1;
    this.#updateTime = new Date(now.getTime());
    this.record({
      type: 'reservation.status_changed',
      orderId: this.#orderId,
      prevStatus,
      newStatus: to,
      reason,
      occurredAt: new Date(now.getTime()),
    });
  }
}

/** The product of a sku a held reservation refers to; its absence means the caller loaded too little. */
function productOf(products: ProductsBySku, sku: string): Product {
  const product = products.get(sku);
  if (!product) throw new Error(`product ${sku} of a reservation was not loaded`);
  return product;
}

function sameItems(a: readonly ReservationItem[], b: readonly ReservationItem[]): boolean {
  if (a.length !== b.length) return false;
  const qtyBySku = new Map(a.map((i) => [i.sku, i.qty]));
  return b.every((i) => qtyBySku.get(i.sku) === i.qty) && new Set(b.map((i) => i.sku)).size === b.length;
}

function validateRequest(orderId: string, items: readonly ReservationItem[]): FieldViolation[] {
  const L = RESERVATION_LIMITS;
  const violations: FieldViolation[] = [];
  if (typeof orderId !== 'string' || orderId.length === 0 || orderId.length > L.orderIdMaxLength) {
    violations.push({ field: 'orderId', description: `must be 1 to ${L.orderIdMaxLength} characters` });
  }
  if (!Array.isArray(items) || items.length < L.minItems || items.length > L.maxItems) {
    violations.push({ field: 'items', description: `must hold ${L.minItems} to ${L.maxItems} items` });
    return violations;
  }
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (typeof item.sku !== 'string' || item.sku.length === 0 || item.sku.length > L.skuMaxLength) {
      violations.push({ field: `items[${i}].sku`, description: `must be 1 to ${L.skuMaxLength} characters` });
    } else if (seen.has(item.sku)) {
      violations.push({ field: `items[${i}].sku`, description: `${item.sku} appears more than once` });
    }
    seen.add(item.sku);
    if (!Number.isSafeInteger(item.qty) || item.qty < L.minQty || item.qty > L.maxQty) {
      violations.push({ field: `items[${i}].qty`, description: `must be a whole number from ${L.minQty} to ${L.maxQty}` });
    }
  });
  return violations;
}
