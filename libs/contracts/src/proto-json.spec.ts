import { commonV1, orderV1 } from './index.js';

const { Order } = orderV1;
const { OrderStatus, PaymentStatus } = commonV1;

/** Pins the proto3 JSON mapping of the generated codecs (REST gateway and event bodies rely on it). */
describe('proto3 JSON mapping of generated messages (Order)', () => {
  const order: orderV1.Order = {
    id: 'ord-1',
    customerId: 'cust-1',
    status: OrderStatus.ORDER_STATUS_RESERVED,
    amount: { currency: 'USD', amountMinor: '10050' },
    items: [{ sku: 'P001', qty: 2, price: { currency: 'USD', amountMinor: '3350' } }],
    version: '2',
    statusReason: '',
    createTime: { seconds: '1767225600', nanos: 123_000_000 },
    updateTime: { seconds: '1767225601', nanos: 0 },
    payment: {
      id: 'pay-1',
      status: PaymentStatus.PAYMENT_STATUS_PROCESSING,
      method: 'credit_card',
      cardLast4: '1111',
      transactionId: '',
      failureReason: '',
    },
  };

  it('writes lowerCamelCase names, int64 as strings, enums as names, Timestamps as RFC 3339', () => {
    expect(Order.toJSON(order)).toEqual({
      id: 'ord-1',
      customerId: 'cust-1',
      status: 'ORDER_STATUS_RESERVED',
      amount: { currency: 'USD', amountMinor: '10050' },
      items: [{ sku: 'P001', qty: 2, price: { currency: 'USD', amountMinor: '3350' } }],
      version: '2',
      createTime: '2026-01-01T00:00:00.123Z',
      updateTime: '2026-01-01T00:00:01.000Z',
      payment: { id: 'pay-1', status: 'PAYMENT_STATUS_PROCESSING', method: 'credit_card', cardLast4: '1111' },
    });
  });

  it('omits fields holding their default value, as proto3 JSON does', () => {
    const json = Order.toJSON(order) as Record<string, unknown>;
    expect(json).not.toHaveProperty('statusReason');
    expect(Order.toJSON(Order.fromJSON({}))).toEqual({});
  });

  it('tolerates null message fields, which is how @grpc/proto-loader (defaults: true) hands them over', () => {
    expect(Order.toJSON({ ...order, amount: null, payment: null, createTime: null, updateTime: null })).not.toHaveProperty(
      'amount',
    );
  });

  it('reads int64 given as a string or as a number', () => {
    const fromString = Order.fromJSON({ version: '7', amount: { currency: 'USD', amountMinor: '10050' } });
    const fromNumber = Order.fromJSON({ version: 7, amount: { currency: 'USD', amountMinor: 10050 } });
    expect(fromString.version).toBe('7');
    expect(fromNumber.version).toBe('7');
    expect(fromString.amount?.amountMinor).toBe('10050');
    expect(fromNumber.amount?.amountMinor).toBe('10050');
  });

  it('reads lowerCamelCase and original proto (snake_case) field names', () => {
    const camel = Order.fromJSON({
      customerId: 'cust-1',
      statusReason: 'INSUFFICIENT_STOCK',
      createTime: '2026-01-01T00:00:00Z',
      amount: { amountMinor: '1' },
      payment: { cardLast4: '4242', failureReason: 'PAYMENT_DECLINED' },
    });
    const snake = Order.fromJSON({
      customer_id: 'cust-1',
      status_reason: 'INSUFFICIENT_STOCK',
      create_time: '2026-01-01T00:00:00Z',
      amount: { amount_minor: '1' },
      payment: { card_last4: '4242', failure_reason: 'PAYMENT_DECLINED' },
    });
    expect(snake).toEqual(camel);
    expect(camel.customerId).toBe('cust-1');
    expect(camel.amount?.amountMinor).toBe('1');
    expect(camel.payment?.cardLast4).toBe('4242');
  });

  it('reads enums by name or by number', () => {
    expect(Order.fromJSON({ status: 'ORDER_STATUS_PAID' }).status).toBe(OrderStatus.ORDER_STATUS_PAID);
    expect(Order.fromJSON({ status: 3 }).status).toBe(OrderStatus.ORDER_STATUS_PAID);
    expect(OrderStatus.ORDER_STATUS_PAID).toBe('ORDER_STATUS_PAID');
  });

  it('reads RFC 3339 Timestamps with offsets and nanosecond fractions', () => {
    const parsed = Order.fromJSON({ createTime: '2026-01-01T02:00:00.123456789+02:00' });
    expect(parsed.createTime).toEqual({ seconds: '1767225600', nanos: 123_456_789 });
  });

  it('round-trips through JSON and through the binary encoding', () => {
    expect(Order.fromJSON(JSON.parse(JSON.stringify(Order.toJSON(order))))).toEqual(order);
    expect(Order.decode(Order.encode(order).finish())).toEqual(order);
  });
});
