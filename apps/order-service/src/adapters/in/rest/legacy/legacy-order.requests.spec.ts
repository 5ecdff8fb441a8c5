import { ApiError } from '#libs/errors';
import { parseLegacyCreateOrder, parseLegacyPayment } from './legacy-order.requests.js';

const SEED = {
  userId: '123456',
  token: 'jwt',
  signature: 'sig',
  orderAmount: 100.5,
  items: [
    { productId: 'P001', quantity: 2 },
    { productId: 'P002', quantity: 1 },
  ],
};

function messageOf(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe('INVALID_ARGUMENT');
    return (error as ApiError).message;
  }
  throw new Error('expected the request to be refused');
}

describe('parseLegacyCreateOrder', () => {
  it('reads the seed request, the amount as the decimal it was written as', () => {
    expect(parseLegacyCreateOrder(SEED)).toEqual({
      userId: '123456',
      orderAmount: '100.5',
      items: [
        { sku: 'P001', qty: 2 },
        { sku: 'P002', qty: 1 },
      ],
    });
  });

  it.each<[string, object, string]>([
    ['a negative amount', { orderAmount: -0.01 }, 'orderAmount must not be negative'],
    ['three decimals', { orderAmount: 1.234 }, 'orderAmount must have at most 2 decimal places'],
    ['an exponent', { orderAmount: 1e21 }, 'orderAmount must have at most 2 decimal places'],
    ['a string amount', { orderAmount: '100.50' }, 'orderAmount must be a number'],
    ['no amount', { orderAmount: null }, 'orderAmount is required'],
    ['a numeric userId', { userId: 123456 }, 'userId must be a string'],
    ['quantity 0', { items: [{ productId: 'P001', quantity: 0 }] }, 'items[0].quantity must be a positive integer'],
    ['quantity -1', { items: [{ productId: 'P001', quantity: -1 }] }, 'items[0].quantity must be a positive integer'],
    ['quantity 1.5', { items: [{ productId: 'P001', quantity: 1.5 }] }, 'items[0].quantity must be a positive integer'],
    ['quantity "2"', { items: [{ productId: 'P001', quantity: '2' }] }, 'items[0].quantity must be a positive integer'],
    ['quantity 10001', { items: [{ productId: 'P001', quantity: 10_001 }] }, 'items[0].quantity must be at most 10000'],
    ['no quantity', { items: [{ productId: 'P001' }] }, 'items[0].quantity is required'],
    ['no productId', { items: [{ quantity: 1 }] }, 'items[0].productId is required'],
    ['a malformed productId', { items: [{ productId: 'P 1', quantity: 1 }] }, 'items[0].productId is not a valid product id (letters, digits, dots, dashes or underscores)'],
    [
      'a repeated productId',
      { items: [{ productId: 'P001', quantity: 1 }, { productId: 'P001', quantity: 2 }] },
      'items[1].productId P001 appears more than once; list each product once with its total quantity',
    ],
    ['no items', { items: undefined }, 'items is required: a list of {productId, quantity}'],
    ['an empty list', { items: [] }, 'items must contain at least 1 item'],
    ['items not a list', { items: { productId: 'P001' } }, 'items must be a list of {productId, quantity}'],
    ['an item not an object', { items: ['P001'] }, 'items[0] must be an object {productId, quantity}'],
  ])('refuses %s, naming the field', (_case, change, message) => {
    expect(messageOf(() => parseLegacyCreateOrder({ ...SEED, ...change }))).toBe(message);
  });

  it('lists every broken rule at once', () => {
    expect(messageOf(() => parseLegacyCreateOrder({ orderAmount: -1, items: [{ productId: 'P001', quantity: 0 }] }))).toBe(
      'userId is required; orderAmount must not be negative; items[0].quantity must be a positive integer',
    );
  });

  it('takes at most 100 items', () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ productId: `P${i}`, quantity: 1 }));
    expect(parseLegacyCreateOrder({ ...SEED, items: items(100) }).items).toHaveLength(100);
    expect(messageOf(() => parseLegacyCreateOrder({ ...SEED, items: items(101) }))).toBe('items must contain at most 100 items');
  });

  it.each([null, [], 'text', 42])('refuses a body that is not a JSON object (%j)', (body) => {
    expect(messageOf(() => parseLegacyCreateOrder(body))).toBe('the request body must be a JSON object');
  });
});

describe('parseLegacyPayment', () => {
  const PAYMENT = {
    orderId: 'ORD123456',
    userId: '123456',
    paymentAmount: 100.5,
    paymentMethod: 'credit_card',
    paymentDetails: { cardNumber: '4111111111111111', expiryDate: '12/39', cvv: '123' },
  };

  it('reads the seed request', () => {
    expect(parseLegacyPayment(PAYMENT)).toEqual({
      orderId: 'ORD123456',
      userId: '123456',
      paymentAmount: '100.5',
      paymentMethod: 'credit_card',
      card: { number: '4111111111111111', expiry: '12/39', cvv: '123' },
    });
  });

  it.each<[string, object, string]>([
    ['no orderId', { orderId: '' }, 'orderId is required'],
    ['a negative amount', { paymentAmount: -5 }, 'paymentAmount must not be negative'],
    ['no payment method', { paymentMethod: undefined }, 'paymentMethod is required'],
    ['no details', { paymentDetails: undefined }, 'paymentDetails is required: {cardNumber, expiryDate, cvv}'],
    ['details not an object', { paymentDetails: '4111111111111111' }, 'paymentDetails must be an object {cardNumber, expiryDate, cvv}'],
    ['a numeric card number', { paymentDetails: { ...PAYMENT.paymentDetails, cardNumber: 4111111111111111 } }, 'paymentDetails.cardNumber must be a string'],
    ['a long cvv', { paymentDetails: { ...PAYMENT.paymentDetails, cvv: '12345' } }, 'paymentDetails.cvv must be at most 4 characters'],
  ])('refuses %s, naming the field and never a card value', (_case, change, message) => {
    const text = messageOf(() => parseLegacyPayment({ ...PAYMENT, ...change }));
    expect(text).toBe(message);
    expect(text).not.toMatch(/4111|12345/);
  });
});
