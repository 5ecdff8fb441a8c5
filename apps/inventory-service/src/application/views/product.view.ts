import type { Product } from '../../domain/product.aggregate.js';

/** Money as it leaves the application: minor units as a decimal string (int64-safe, JSON-safe). */
export interface MoneyView {
  readonly currency: string;
  readonly amountMinor: string;
}

/**
 * A product as the use cases answer it. Plain JSON on purpose: the idempotency store keeps it
 * verbatim, and counts are int64 decimal strings as in proto3 JSON.
 */
export interface ProductView {
  readonly sku: string;
  readonly name: string;
  readonly price: MoneyView;
  /** Units on hand, reserved ones included. */
  readonly stock: string;
  /** Units held by live reservations. */
  readonly reserved: string;
}

export function toProductView(product: Product): ProductView {
  return {
    sku: product.sku,
    name: product.name,
    price: { currency: product.unitPrice.currency, amountMinor: product.unitPrice.amountMinor.toString() },
    stock: String(product.stock),
    reserved: String(product.reserved),
  };
}
