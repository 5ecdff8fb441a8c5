import { orderEventIsWorthHandling, paymentEventIsWorthHandling } from './order-events.amqp-consumer.js';

const orderEvent = (newStatus: string, extra: object = {}) => ({
  orderId: '01a20235-6738-7627-8bd4-58b5935efc4f',
  customerId: 'c-1',
  newStatus,
  seq: '2',
  occurredAt: '2026-11-22T08:00:00.000Z',
  ...extra,
});
const paymentEvent = (newStatus: string, extra: object = {}) => ({
  orderId: '01a20235-6738-7627-8bd4-58b5935efc4f',
  paymentId: 'p-1',
  newStatus,
  seq: '1',
  occurredAt: '2026-11-22T08:00:00.000Z',
  ...extra,
});

describe('which events notification-service takes a transaction for', () => {
  it('declines an order PENDING event without a contact e-mail only; every other order event has work', () => {
    expect(orderEventIsWorthHandling(orderEvent('ORDER_STATUS_PENDING'))).toBe(false);
    // The contact e-mail travels on the first event only: it must be recorded.
    expect(orderEventIsWorthHandling(orderEvent('ORDER_STATUS_PENDING', { contactEmail: 'dora@example.com' }))).toBe(true);
    for (const status of ['RESERVED', 'PAID', 'CONFIRMED', 'CANCELED', 'REFUNDED']) {
      expect(orderEventIsWorthHandling(orderEvent(`ORDER_STATUS_${status}`))).toBe(true);
    }
  });

  it('takes a payment event only when it is CAPTURED', () => {
    expect(paymentEventIsWorthHandling(paymentEvent('PAYMENT_STATUS_CAPTURED'))).toBe(true);
    for (const status of ['PROCESSING', 'HELD', 'FAILED', 'VOIDED', 'REFUNDED']) {
      expect(paymentEventIsWorthHandling(paymentEvent(`PAYMENT_STATUS_${status}`))).toBe(false);
    }
  });

  it('never declines a malformed event: the handler dead-letters it with its reason', () => {
    expect(() => orderEventIsWorthHandling(orderEvent('ORDER_STATUS_PENDING', { customerId: '' }))).toThrow('needs orderId, customerId');
    expect(() => paymentEventIsWorthHandling(paymentEvent('PAYMENT_STATUS_HELD', { seq: '0' }))).toThrow('needs orderId, newStatus');
    expect(() => paymentEventIsWorthHandling('not an event')).toThrow();
  });
});
