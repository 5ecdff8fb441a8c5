import { ApiError, type FieldViolation } from '#libs/errors';
import { PRODUCT_LIMITS } from '../../../../domain/product.aggregate.js';
import { RESERVATION_LIMITS, type ReservationItem } from '../../../../domain/reservation.aggregate.js';

/** The body of seed 000's `POST /api/inventory/lock`, in the words of ReserveStock. */
export interface LegacyLock {
  readonly orderId: string;
  readonly items: readonly ReservationItem[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the lock request field by field, one precise message per broken rule (the seed's rules
 * and ReserveStock's limits: 1..100 items, each product once, quantity 1..10000).
 * @throws ApiError INVALID_ARGUMENT, e.g. `items[0].quantity must be a positive integer`
 */
export function parseLegacyLock(input: unknown): LegacyLock {
  if (!isObject(input)) {
    throw ApiError.invalidArgument([{ field: '', description: 'must be a JSON object' }], 'the request body must be a JSON object');
  }
  const L = RESERVATION_LIMITS;
  const violations: FieldViolation[] = [];
  const add = (field: string, description: string): void => {
    violations.push({ field, description });
  };
  const orderId = input.orderId;
  if (orderId === undefined || orderId === null || orderId === '') add('orderId', 'is required');
  else if (typeof orderId !== 'string') add('orderId', 'must be a string');
  else if (orderId.length > L.orderIdMaxLength) add('orderId', `must be at most ${L.orderIdMaxLength} characters`);

  const list = input.items;
  const items: ReservationItem[] = [];
  if (list === undefined || list === null) add('items', 'is required: a list of {productId, quantity}');
  else if (!Array.isArray(list)) add('items', 'must be a list of {productId, quantity}');
  else if (list.length < L.minItems) add('items', `must contain at least ${L.minItems} item`);
  else if (list.length > L.maxItems) add('items', `must contain at most ${L.maxItems} items`);
  else {
    const seen = new Set<string>();
    list.forEach((item: unknown, i) => {
      const path = `items[${i}]`;
      if (!isObject(item)) {
        add(path, 'must be an object {productId, quantity}');
        return;
      }
      const sku = item.productId;
      if (sku === undefined || sku === null || sku === '') add(`${path}.productId`, 'is required');
      else if (typeof sku !== 'string') add(`${path}.productId`, 'must be a string');
      else if (!PRODUCT_LIMITS.sku.test(sku)) add(`${path}.productId`, 'is not a valid product id (letters, digits, dashes or underscores)');
      else if (seen.has(sku)) add(`${path}.productId`, `${sku} appears more than once; list each product once with its total quantity`);
      if (typeof sku === 'string') seen.add(sku);
      const qty = item.quantity;
      if (qty === undefined || qty === null) add(`${path}.quantity`, 'is required');
      else if (typeof qty !== 'number' || !Number.isInteger(qty) || qty < L.minQty) add(`${path}.quantity`, 'must be a positive integer');
      else if (qty > L.maxQty) add(`${path}.quantity`, `must be at most ${L.maxQty}`);
      items.push({ sku: typeof sku === 'string' ? sku : '', qty: typeof qty === 'number' ? qty : 0 });
    });
  }
  if (violations.length > 0) {
    throw ApiError.invalidArgument(violations, violations.map((v) => `${v.field} ${v.description}`).join('; '));
  }
  return { orderId: orderId as string, items };
}
