import { ApiError, type FieldViolation } from '#libs/errors';
import { ORDER_LIMITS } from '../../../../domain/order.aggregate.js';
import { REQUEST_FORMATS } from '../../requests/order.requests.js';

/**
 * The request bodies of seed 000's order and payment endpoints, checked field by field with one
 * precise message per broken rule (the seed's rules, plus the limits of CONTRACT section 1).
 */
export interface LegacyCreateOrder {
  readonly userId: string;
  /** `orderAmount` as a decimal in major units, e.g. `"100.5"`. */
  readonly orderAmount: string;
  readonly items: readonly { readonly sku: string; readonly qty: number }[];
}

export interface LegacyPayment {
  readonly orderId: string;
  readonly userId: string;
  /** `paymentAmount` as a decimal in major units. */
  readonly paymentAmount: string;
  readonly paymentMethod: string;
  /** Passed to PayOrder only; never echoed in a message. */
  readonly card: { readonly number: string; readonly expiry: string; readonly cvv: string };
}

type Json = Record<string, unknown>;

const ID_MAX = REQUEST_FORMATS.idMaxLength;
const PRODUCT_ID = new RegExp(REQUEST_FORMATS.sku);
/** A JSON number written with at most two decimals (JavaScript's shortest form of it). */
const TWO_DECIMALS = /^\d+(?:\.\d{1,2})?$/;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects violations; each description completes a sentence that starts with the field path. */
class Violations {
  readonly list: FieldViolation[] = [];

  add(field: string, description: string): void {
    this.list.push({ field, description });
  }

  /** @throws ApiError INVALID_ARGUMENT whose message lists every violation, e.g. `orderAmount must not be negative` */
  throwIfAny(): void {
    if (this.list.length === 0) return;
    throw ApiError.invalidArgument(this.list, this.list.map((v) => `${v.field} ${v.description}`).join('; '));
  }
}

function text(body: Json, field: string, v: Violations, max: number, path = field): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') v.add(path, 'is required');
  else if (typeof value !== 'string') v.add(path, 'must be a string');
  else if (value.length > max) v.add(path, `must be at most ${max} characters`);
  else return value;
  return '';
}

/** A money amount of the seed: a non-negative JSON number with at most 2 decimals, as a decimal string. */
function amount(body: Json, field: string, v: Violations): string {
  const value = body[field];
  if (value === undefined || value === null) v.add(field, 'is required');
  else if (typeof value !== 'number' || !Number.isFinite(value)) v.add(field, 'must be a number');
  else if (value < 0) v.add(field, 'must not be negative');
  else if (!TWO_DECIMALS.test(String(value))) v.add(field, 'must have at most 2 decimal places');
  else return String(value);
  return '';
}

function items(body: Json, v: Violations): { sku: string; qty: number }[] {
  const value = body.items;
  const { minItems, maxItems, minQty, maxQty } = ORDER_LIMITS;
  let problem: string | undefined;
  if (value === undefined || value === null) problem = 'is required: a list of {productId, quantity}';
  else if (!Array.isArray(value)) problem = 'must be a list of {productId, quantity}';
  else if (value.length < minItems) problem = `must contain at least ${minItems} item`;
  else if (value.length > maxItems) problem = `must contain at most ${maxItems} items`;
  if (problem !== undefined || !Array.isArray(value)) {
    v.add('items', problem ?? 'must be a list');
    return [];
  }
  const seen = new Set<string>();
  return value.map((item: unknown, i) => {
    const path = `items[${i}]`;
    if (!isObject(item)) {
      v.add(path, 'must be an object {productId, quantity}');
      return { sku: '', qty: 0 };
    }
    let sku = text(item, 'productId', v, 64, `${path}.productId`);
    if (sku && !PRODUCT_ID.test(sku)) {
      v.add(`${path}.productId`, 'is not a valid product id (letters, digits, dots, dashes or underscores)');
      sku = '';
    } else if (sku && seen.has(sku)) {
      v.add(`${path}.productId`, `${sku} appears more than once; list each product once with its total quantity`);
    }
    seen.add(sku);
    const qty = item.quantity;
    if (qty === undefined || qty === null) v.add(`${path}.quantity`, 'is required');
    else if (typeof qty !== 'number' || !Number.isInteger(qty) || qty < minQty) v.add(`${path}.quantity`, 'must be a positive integer');
    else if (qty > maxQty) v.add(`${path}.quantity`, `must be at most ${maxQty}`);
    return { sku, qty: typeof qty === 'number' ? qty : 0 };
  });
}

function object(body: unknown): Json {
  if (!isObject(body)) throw ApiError.invalidArgument([{ field: '', description: 'must be a JSON object' }], 'the request body must be a JSON object');
  return body;
}

/** `POST /api/orders/create`. @throws ApiError INVALID_ARGUMENT naming each broken rule */
export function parseLegacyCreateOrder(input: unknown): LegacyCreateOrder {
  const body = object(input);
  const v = new Violations();
  const userId = text(body, 'userId', v, ID_MAX);
  const orderAmount = amount(body, 'orderAmount', v);
  const list = items(body, v);
  v.throwIfAny();
  return { userId, orderAmount, items: list };
}

/** `POST /api/payment/process`. @throws ApiError INVALID_ARGUMENT naming each broken rule (never a card value) */
export function parseLegacyPayment(input: unknown): LegacyPayment {
  const body = object(input);
  const v = new Violations();
  const orderId = text(body, 'orderId', v, ID_MAX);
  const userId = text(body, 'userId', v, ID_MAX);
  const paymentAmount = amount(body, 'paymentAmount', v);
  const paymentMethod = text(body, 'paymentMethod', v, 64);
  const details = body.paymentDetails;
  let card = { number: '', expiry: '', cvv: '' };
  if (!isObject(details)) {
    v.add('paymentDetails', details === undefined || details === null ? 'is required: {cardNumber, expiryDate, cvv}' : 'must be an object {cardNumber, expiryDate, cvv}');
  } else {
    card = {
      number: text(details, 'cardNumber', v, 32, 'paymentDetails.cardNumber'),
      expiry: text(details, 'expiryDate', v, 7, 'paymentDetails.expiryDate'),
      cvv: text(details, 'cvv', v, 4, 'paymentDetails.cvv'),
    };
  }
  v.throwIfAny();
  return { orderId, userId, paymentAmount, paymentMethod, card };
}
