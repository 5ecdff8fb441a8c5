import {
  anOrder,
  customer,
  DEFAULT_NOW,
  FixedClock,
  InMemoryOrderRepository,
  RecordingEventPublisher,
  rejection,
  SequentialIds,
  toJson,
  type OrderFixtureState,
} from '../../../../test/fakes/index.js';
import { OperationInProgressError, OrderNotPayableError } from '../../../domain/order.errors.js';
import { InvalidRequestError, OrderNotFoundError, VersionMismatchError } from '../../application.errors.js';
import { PayOrderCommand } from './pay-order.command.js';
import { PayOrderHandler } from './pay-order.handler.js';

const CARD = { number: '4111111111111111', expiry: '12/34', cvv: '739' };

function setup(state: OrderFixtureState = 'RESERVED') {
  const orders = new InMemoryOrderRepository();
  orders.seed(anOrder({ id: 'o1', customerId: 'c1', state }));
  const events = new RecordingEventPublisher();
  const handler = new PayOrderHandler(orders, events, new FixedClock(), new SequentialIds('pay-'));
  const pay = (card: Partial<typeof CARD> = {}, opts: { method?: string; expectedVersion?: number } = {}) =>
    handler.execute(
      new PayOrderCommand(
        customer('c1'),
        'o1',
        opts.method ?? 'credit_card',
        { ...CARD, ...card },
        opts.expectedVersion,
      ),
    );
  return { orders, events, handler, pay, before: orders.stored('o1') };
}

describe('PayOrderHandler', () => {
  it('starts a PROCESSING payment on a RESERVED order, keeping only brand and last four digits', async () => {
    const { orders, pay } = setup();

    const result = await pay();

    const payment = {
      id: 'pay-0001',
      status: 'PROCESSING',
      method: 'credit_card',
      cardBrand: 'visa',
      cardLast4: '1111',
      transactionId: '',
      failureReason: '',
    };
    expect(result.payment).toEqual(payment);
    expect(result.order).toMatchObject({ id: 'o1', status: 'RESERVED', version: 3, payment });
    expect(result.order.updateTime).toBe(DEFAULT_NOW.toISOString());
    expect(orders.stored('o1')).toMatchObject({
      version: 3,
      payment: { ...payment, provider: 'simulated' },
    });
  });

  it('commits one payment.status_changed event to the outbox and publishes it', async () => {
    const { orders, events, pay } = setup();

    await pay();

    const expected = {
      type: 'payment.status_changed',
      orderId: 'o1',
      paymentId: 'pay-0001',
      prevStatus: null,
      newStatus: 'PROCESSING',
      provider: 'simulated',
      externalId: '',
      seq: 1,
      occurredAt: DEFAULT_NOW,
    };
    expect(orders.outbox).toEqual([expected]);
    expect(events.published).toEqual([expected]);
  });

  it('stores, commits and publishes neither the card number nor the CVV', async () => {
    const { orders, events, pay } = setup();

    const result = await pay({ number: '5555 5555 5555 4444', cvv: '7391' });

    const everything = toJson([orders.storedAll(), orders.outbox, events.published, result]);
    expect(result.payment).toMatchObject({ cardBrand: 'mastercard', cardLast4: '4444' });
    expect(everything).toContain('4444');
    expect(everything).not.toContain('5555555555554444');
    expect(everything).not.toContain('5555 5555 5555 4444');
    expect(everything).not.toContain('555555');
    expect(everything).not.toContain('7391');
  });

  it.each(['PENDING', 'PAID', 'CONFIRMED', 'CANCELED', 'REFUNDED'] as const)(
    'refuses to pay a %s order and changes nothing',
    async (state) => {
      const { orders, events, pay, before } = setup(state);

      await rejection(pay(), OrderNotPayableError);

      expect(orders.stored('o1')).toEqual(before);
      expect(orders.outbox).toEqual([]);
      expect(events.published).toEqual([]);
    },
  );

  it('refuses a second payment while the first is PROCESSING', async () => {
    const { orders, events, pay } = setup();
    await pay();
    const afterFirst = orders.stored('o1');

    await rejection(pay(), OperationInProgressError);

    expect(orders.stored('o1')).toEqual(afterFirst);
    expect(orders.outbox).toHaveLength(1);
    expect(events.published).toHaveLength(1);
  });

  it('refuses a payment while one is HELD', async () => {
    const { pay } = setup('PAYMENT_HELD');

    await rejection(pay(), OperationInProgressError);
  });

  it('starts a new payment after a declined one', async () => {
    const { orders, pay } = setup('PAYMENT_FAILED');

    const result = await pay();

    expect(result.payment).toMatchObject({ id: 'pay-0001', status: 'PROCESSING', failureReason: '' });
    expect(orders.outbox).toEqual([
      expect.objectContaining({
        type: 'payment.status_changed',
        prevStatus: 'FAILED',
        newStatus: 'PROCESSING',
        seq: 3,
      }),
    ]);
  });

  describe('card checks (InvalidRequestError on paymentDetails.*)', () => {
    it.each([
      ['a number failing the Luhn check', { number: '4111111111111112' }, ['paymentDetails.cardNumber']],
      ['a number with letters', { number: '4111abcd11111111' }, ['paymentDetails.cardNumber']],
      ['a number too short', { number: '42424242424' }, ['paymentDetails.cardNumber']],
      ['an expired card', { expiry: '12/29' }, ['paymentDetails.expiryDate']],
      ['an expiry not MM/YY', { expiry: '1/34' }, ['paymentDetails.expiryDate']],
      ['month 13', { expiry: '13/34' }, ['paymentDetails.expiryDate']],
      ['a 2-digit CVV', { cvv: '12' }, ['paymentDetails.cvv']],
      ['a 5-digit CVV', { cvv: '12345' }, ['paymentDetails.cvv']],
      [
        'everything wrong at once',
        { number: '1234', expiry: '00/00', cvv: 'x' },
        ['paymentDetails.cardNumber', 'paymentDetails.expiryDate', 'paymentDetails.cvv'],
      ],
    ])('rejects %s and changes nothing', async (_, card, fields) => {
      const { orders, events, pay, before } = setup();

      const error = await rejection(pay(card), InvalidRequestError);

      expect(error.violations.map((v) => v.field)).toEqual(fields);
      expect(orders.stored('o1')).toEqual(before);
      expect(orders.outbox).toEqual([]);
      expect(events.published).toEqual([]);
    });

    it('never echoes the card number or CVV in the error', async () => {
      const { pay } = setup();

      const error = await rejection(pay({ number: '4111111111111112', cvv: '98' }), InvalidRequestError);

      expect(toJson([error.message, error.violations, error.details])).not.toMatch(/4111111111111112|98/);
    });

    it('accepts a card expiring this month and a number written with spaces', async () => {
      const { pay } = setup();

      const result = await pay({ number: '4111 1111 1111 1111', expiry: '01/30' });

      expect(result.payment).toMatchObject({ status: 'PROCESSING', cardBrand: 'visa', cardLast4: '1111' });
    });
  });

  it.each(['bitcoin', ''])('rejects payment method %p on field paymentMethod', async (method) => {
    const { orders, pay, before } = setup();

    const error = await rejection(pay({}, { method }), InvalidRequestError);

    expect(error.violations.map((v) => v.field)).toEqual(['paymentMethod']);
    expect(orders.stored('o1')).toEqual(before);
  });

  it('refuses a stale expected version and changes nothing', async () => {
    const { orders, events, pay, before } = setup();

    const error = await rejection(pay({}, { expectedVersion: 1 }), VersionMismatchError);

    expect(error.details).toMatchObject({ expectedVersion: '1', actualVersion: '2' });
    expect(orders.stored('o1')).toEqual(before);
    expect(events.published).toEqual([]);
  });

  it('proceeds when the expected version is current', async () => {
    const { pay } = setup();

    const result = await pay({}, { expectedVersion: 2 });

    expect(result.order.version).toBe(3);
  });

  it('reports another customer’s order as not found', async () => {
    const { orders, handler, before } = setup();

    const command = new PayOrderCommand(customer('c2'), 'o1', 'credit_card', CARD);

    await rejection(handler.execute(command), OrderNotFoundError);

    expect(orders.stored('o1')).toEqual(before);
  });
});
