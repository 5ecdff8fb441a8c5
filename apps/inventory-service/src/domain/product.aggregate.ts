import { AggregateRoot } from '#libs/ddd';
import type { ProductChangedEvent } from './inventory.events.js';
import { InvalidProductError, StockBelowReservedError, StockInvariantError, type FieldViolation } from './inventory.errors.js';
import { Money } from './money.js';

/** Rules of a catalog entry (inventory.proto UpsertProductRequest). */
export const PRODUCT_LIMITS = Object.freeze({
  sku: /^[A-Za-z0-9_-]{1,64}$/,
  nameMaxLength: 200,
  // Stock is a JavaScript number in the domain; int64 beyond this cannot be counted exactly.
  maxStock: Number.MAX_SAFE_INTEGER,
});

/** The full state of a product, for persistence and rehydration. */
export interface ProductSnapshot {
  readonly sku: string;
  readonly name: string;
  readonly unitPrice: { readonly currency: string; readonly amountMinor: bigint };
  /** Units on hand, reserved ones included. */
  readonly stock: number;
  /** Units held by live (RESERVED) reservations. */
  readonly reserved: number;
  readonly version: number;
  readonly createTime: Date;
  readonly updateTime: Date;
}

/** What an operator states about a product (UpsertProduct). */
export interface ProductFacts {
  readonly name: string;
  readonly unitPrice: Money;
  readonly stock: number;
}

/**
 * A catalog entry and its stock. Invariant: `0 <= reserved <= stock`; every method that would
 * break it refuses and changes nothing. Each change bumps the version.
 */
export class Product extends AggregateRoot<ProductChangedEvent> {
  readonly #sku: string;
  readonly #createTime: Date;
  #name: string;
  #unitPrice: Money;
  #stock: number;
  #reserved: number;
  #version: number;
  #persistedVersion: number;
  #updateTime: Date;

  private constructor(s: ProductSnapshot) {
    super();
    this.#sku = s.sku;
    this.#name = s.name;
    this.#unitPrice = Money.of(s.unitPrice.amountMinor, s.unitPrice.currency);
    this.#stock = s.stock;
    this.#reserved = s.reserved;
    this.#version = s.version;
    this.#persistedVersion = s.version;
    this.#createTime = new Date(s.createTime.getTime());
    this.#updateTime = new Date(s.updateTime.getTime());
  }

  /**
   * A new product with nothing reserved, at version 1.
   * @throws InvalidProductError listing every broken rule
   */
  static create(props: ProductFacts & { readonly sku: string; readonly now: Date }): Product {
    const violations = validateFacts(props);
    if (!PRODUCT_LIMITS.sku.test(props.sku)) {
      violations.unshift({ field: 'sku', description: 'must be 1 to 64 letters, digits, dashes or underscores' });
    }
    if (violations.length > 0) throw new InvalidProductError(violations);
    const product = new Product({
      sku: props.sku,
      name: props.name,
      unitPrice: { currency: props.unitPrice.currency, amountMinor: props.unitPrice.amountMinor },
      stock: props.stock,
      reserved: 0,
      version: 1,
      createTime: props.now,
      updateTime: props.now,
    });
    product.record({ type: 'product.changed', sku: props.sku, occurredAt: new Date(props.now.getTime()) });
    return product;
  }

  /** Rehydrates a stored product; records no events. */
  static restore(snapshot: ProductSnapshot): Product {
    return new Product(snapshot);
  }

  toSnapshot(): ProductSnapshot {
    return {
      sku: this.#sku,
      name: this.#name,
      unitPrice: { currency: this.#unitPrice.currency, amountMinor: this.#unitPrice.amountMinor },
      stock: this.#stock,
      reserved: this.#reserved,
      version: this.#version,
      createTime: new Date(this.#createTime.getTime()),
      updateTime: new Date(this.#updateTime.getTime()),
    };
  }

  get sku(): string {
    return this.#sku;
  }

  get name(): string {
    return this.#name;
  }

  get unitPrice(): Money {
    return this.#unitPrice;
  }

  /** Units on hand, reserved ones included. */
  get stock(): number {
    return this.#stock;
  }

  /** Units held by live reservations. */
  get reserved(): number {
    return this.#reserved;
  }

  /** Units a new reservation may take: stock - reserved. */
  get available(): number {
    return this.#stock - this.#reserved;
  }

  get version(): number {
    return this.#version;
  }

  /** The version in the store; the repository updates `... WHERE version = persistedVersion`. */
  get persistedVersion(): number {
    return this.#persistedVersion;
  }

  /** Changed since it was loaded or last persisted. */
  get isDirty(): boolean {
    return this.#version !== this.#persistedVersion;
  }

  get createTime(): Date {
    return new Date(this.#createTime.getTime());
  }

  get updateTime(): Date {
    return new Date(this.#updateTime.getTime());
  }

  /** Called by the repository after a successful write. */
  markPersisted(): void {
    this.#persistedVersion = this.#version;
  }

  /**
   * Replaces name, price and stock on hand (UpsertProduct of an existing sku). Reserved units stay
   * held, so the new stock may not be below them. Identical facts change nothing.
   * @throws InvalidProductError listing every broken rule
   * @throws StockBelowReservedError when `stock < reserved`
   */
  replace(facts: ProductFacts, now: Date): void {
    const violations = validateFacts(facts);
    if (violations.length > 0) throw new InvalidProductError(violations);
    if (facts.stock < this.#reserved) throw new StockBelowReservedError(this.#sku, facts.stock, this.#reserved);
    if (facts.name === this.#name && facts.unitPrice.equals(this.#unitPrice) && facts.stock === this.#stock) return;
    this.#name = facts.name;
    this.#unitPrice = facts.unitPrice;
    this.#stock = facts.stock;
    this.#touch(now);
    this.record({ type: 'product.changed', sku: this.#sku, occurredAt: new Date(now.getTime()) });
  }

  /** Holds `qty` available units for a reservation. @throws StockInvariantError when fewer are available */
  hold(qty: number, now: Date): void {
    this.#assertQty('hold', qty, this.available);
    this.#reserved += qty;
    this.#touch(now);
  }

  /** Gives `qty` held units back to the available ones. @throws StockInvariantError when fewer are held */
  releaseHold(qty: number, now: Date): void {
    this.#assertQty('release', qty, this.#reserved);
    this.#reserved -= qty;
    this.#touch(now);
  }

  /** Sells `qty` held units: they leave stock and reserved alike. @throws StockInvariantError when fewer are held */
  sell(qty: number, now: Date): void {
    this.#assertQty('sell', qty, this.#reserved);
    this.#stock -= qty;
    this.#reserved -= qty;
    this.#touch(now);
  }

  /** Puts `qty` sold units back on hand (a refund). @throws StockInvariantError past the largest countable stock */
  restock(qty: number, now: Date): void {
    this.#assertQty('restock', qty, PRODUCT_LIMITS.maxStock - this.#stock);
    this.#stock += qty;
    this.#touch(now);
  }

  #assertQty(operation: string, qty: number, limit: number): void {
    if (!Number.isSafeInteger(qty) || qty < 1 || qty > limit) {
      throw new StockInvariantError(this.#sku, operation, qty, this.#stock, this.#reserved);
    }
  }

  #touch(now: Date): void {
    this.#version += 1;
    this.#updateTime = new Date(now.getTime());
  }
}

function validateFacts(facts: ProductFacts): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const name = typeof facts.name === 'string' ? facts.name.trim() : '';
  if (name.length === 0 || facts.name.length > PRODUCT_LIMITS.nameMaxLength) {
    violations.push({ field: 'name', description: `must be 1 to ${PRODUCT_LIMITS.nameMaxLength} characters` });
  }
  if (!Number.isSafeInteger(facts.stock) || facts.stock < 0) {
    violations.push({ field: 'stock', description: `must be a whole number from 0 to ${PRODUCT_LIMITS.maxStock}` });
  }
  return violations;
}
