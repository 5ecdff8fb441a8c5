import { ApiError } from '#libs/errors';
import { ReservationConflictError } from '../../../../domain/inventory.errors.js';
import { legacyLockOutcome } from './legacy-inventory.http.controller.js';
import { toLegacyFailure } from './legacy-exception.filter.js';
import { parseLegacyLock } from './legacy-inventory.requests.js';

const SEED = { orderId: 'ORD123456', items: [{ productId: 'P001', quantity: 2 }, { productId: 'P002', quantity: 1 }] };

function messageOf(body: unknown): string {
  try {
    parseLegacyLock(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return (error as ApiError).message;
  }
  throw new Error('expected the request to be refused');
}

describe('parseLegacyLock', () => {
  it('reads the seed request in ReserveStock’s words', () => {
    expect(parseLegacyLock(SEED)).toEqual({ orderId: 'ORD123456', items: [{ sku: 'P001', qty: 2 }, { sku: 'P002', qty: 1 }] });
  });

  it.each<[string, object, string]>([
    ['no orderId', { orderId: undefined }, 'orderId is required'],
    ['a numeric orderId', { orderId: 7 }, 'orderId must be a string'],
    ['no items', { items: undefined }, 'items is required: a list of {productId, quantity}'],
    ['an empty list', { items: [] }, 'items must contain at least 1 item'],
    ['quantity 0', { items: [{ productId: 'P001', quantity: 0 }] }, 'items[0].quantity must be a positive integer'],
    ['quantity "2"', { items: [{ productId: 'P001', quantity: '2' }] }, 'items[0].quantity must be a positive integer'],
    ['quantity 1.5', { items: [{ productId: 'P001', quantity: 1.5 }] }, 'items[0].quantity must be a positive integer'],
    ['quantity 10001', { items: [{ productId: 'P001', quantity: 10_001 }] }, 'items[0].quantity must be at most 10000'],
    [
      'a repeated productId',
      { items: [{ productId: 'P001', quantity: 1 }, { productId: 'P001', quantity: 1 }] },
      'items[1].productId P001 appears more than once; list each product once with its total quantity',
    ],
    ['a malformed productId', { items: [{ productId: 'P 1', quantity: 1 }] }, 'items[0].productId is not a valid product id (letters, digits, dashes or underscores)'],
  ])('refuses %s, naming the field', (_case, change, message) => {
    expect(messageOf({ ...SEED, ...change })).toBe(message);
  });

  it('refuses a body that is not an object', () => {
    expect(messageOf([SEED])).toBe('the request body must be a JSON object');
  });
});

describe('legacy lock answers', () => {
  const view = (status: Parameters<typeof legacyLockOutcome>[0]['status']) => ({
    orderId: 'ORD1',
    status,
    items: [],
    failureReason: '',
    unavailableSkus: [],
  });

  it.each(['RESERVED', 'COMMITTED'] as const)('%s is locked', (status) => {
    expect(legacyLockOutcome(view(status))).toEqual({ code: 200, message: 'Inventory locked successfully', locked: true });
  });

  it('REJECTED is the seed’s insufficient inventory', () => {
    expect(legacyLockOutcome(view('REJECTED'))).toEqual({ code: 400, message: 'Insufficient inventory', locked: false });
  });

  it.each(['RELEASED', 'RESTOCKED'] as const)('%s (released since) is a conflict', (status) => {
    expect(legacyLockOutcome(view(status))).toMatchObject({ code: 409, locked: false });
  });

  it('a repeat with other items is a 409 naming the orderId', () => {
    expect(toLegacyFailure(new ReservationConflictError('ORD1'))).toEqual({
      status: 409,
      message: 'orderId ORD1 already locked inventory for other items; a repeated lock must list the same items',
    });
  });
});
