import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import {
  anOrder,
  customer,
  DEFAULT_NOW,
  held,
  holdFailed,
  orderWorld,
  rejection,
  reservation,
  toJson,
  type AfterCommitMode,
  type OrderFixtureState,
} from '../../../../test/fakes/index.js';
import { Money } from '../../../domain/money.js';
import { OperationInProgressError, OrderNotPayableError } from '../../../domain/order.errors.js';
import {
  InvalidRequestError,
  OrderBusyError,
  OrderNotFoundError,
  VersionMismatchError,
} from '../../application.errors.js';
import { AmountMismatchError } from '../../stated-amount.js';
import { PayOrderCommand } from './pay-order.command.js';
import { PROVIDER_UNAVAILABLE } from './pay-order.handler.js';

const CARD = { number: '4111111111111111', expiry: '12/34', cvv: '739' };

/** An order `o1` of customer c1 in `state`, arrived at through its saga (see orderWorld().arrange). */
async function setup(state: OrderFixtureState = 'RESERVED', afterCommit: AfterCommitMode = 'manual') {
  const world = orderWorld({ afterCommit });
  await world.arrange({ id: 'o1', customerId: 'c1', state });
  const pay = (card: Partial<typeof CARD> = {}, opts: { method?: string; expectedVersion?: number } = {}) =>
    world.pay.execute(
      new PayOrderCommand(customer('c1'), 'o1', opts.method ?? 'credit_card', { ...CARD, ...card }, opts.expectedVersion),
    );
  const { orders, events, sagas, messages, holds, uow } = world;
  return {
    world,
    orders,
    events,
    sagas,
    messages,
    holds,
    uow,
    handler: world.pay,
    pay,
    before: orders.stored('o1'),
    sagaBefore: sagas.stored('o1'),
  };
}

beforeAll(() => Logger.overrideLogger(false));

describe('PayOrderHandler', () => {
  it('starts a PROCESSING payment on a RESERVED order, keeping only brand and last four digits', async () => {
    const { orders, pay } = await setup();

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
    const { orders, events, pay } = await setup();

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
    const { world, holds, uow, pay } = await setup();

    const result = await pay({ number: '5555 5555 5555 4444', cvv: '7391' });
    await uow.flush();

    const everything = toJson([...world.everythingButHolds(), result]);
    expect(result.payment).toMatchObject({ cardBrand: 'mastercard', cardLast4: '4444' });
    expect(everything).toContain('4444');
    expect(everything).not.toContain('5555555555554444');
    expect(everything).not.toContain('5555 5555 5555 4444');
    expect(everything).not.toContain('555555');
    expect(everything).not.toContain('7391');
    // The one place they go: payment-service, through PaymentHolds.
    expect(holds.requests.map((r) => r.card)).toEqual([{ number: '5555 5555 5555 4444', expiry: '12/34', cvv: '7391' }]);
  });

  it.each(['PENDING', 'PAID', 'CONFIRMED', 'CANCELED', 'REFUNDED'] as const)(
    'refuses to pay a %s order and changes nothing',
    async (state) => {
      const { orders, events, sagas, messages, holds, uow, pay, before, sagaBefore } = await setup(state);

      await rejection(pay(), OrderNotPayableError);
      await uow.flush();

      expect(orders.stored('o1')).toEqual(before);
      expect(orders.outbox).toEqual([]);
      expect(events.published).toEqual([]);
      expect(sagas.stored('o1')).toEqual(sagaBefore);
      expect(messages.sent).toEqual([]);
      expect(holds.requests).toEqual([]);
    },
  );

  it('refuses a second payment while the first is PROCESSING', async () => {
    const { orders, events, holds, uow, pay } = await setup();
    await pay();
    const afterFirst = orders.stored('o1');

    await rejection(pay(), OperationInProgressError);
    await uow.flush();

    expect(orders.stored('o1')).toEqual(afterFirst);
    expect(orders.outbox).toHaveLength(1);
    expect(events.published).toHaveLength(1);
    expect(holds.requests.map((r) => r.paymentId)).toEqual(['pay-0001']);
  });

  it('refuses a payment while one is HELD', async () => {
    const { pay } = await setup('PAYMENT_HELD');

    await rejection(pay(), OperationInProgressError);
  });

  it('starts a new payment after a declined one', async () => {
    const { orders, sagas, pay } = await setup('PAYMENT_FAILED');

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
    expect(sagas.stored('o1')).toMatchObject({ phase: 'HOLDING', paymentId: 'pay-0001' });
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
      const { orders, events, sagas, holds, uow, pay, before, sagaBefore } = await setup();

      const error = await rejection(pay(card), InvalidRequestError);
      await uow.flush();

      expect(error.violations.map((v) => v.field)).toEqual(fields);
      expect(orders.stored('o1')).toEqual(before);
      expect(orders.outbox).toEqual([]);
      expect(events.published).toEqual([]);
      expect(sagas.stored('o1')).toEqual(sagaBefore);
      expect(holds.requests).toEqual([]);
    });

    it('never echoes the card number or CVV in the error', async () => {
      const { pay } = await setup();

      const error = await rejection(pay({ number: '4111111111111112', cvv: '98' }), InvalidRequestError);

      expect(toJson([error.message, error.violations, error.details])).not.toMatch(/4111111111111112|98/);
    });

    it('accepts a card expiring this month and a number written with spaces', async () => {
      const { pay } = await setup();

      const result = await pay({ number: '4111 1111 1111 1111', expiry: '01/30' });

      expect(result.payment).toMatchObject({ status: 'PROCESSING', cardBrand: 'visa', cardLast4: '1111' });
    });
  });

  it.each(['bitcoin', ''])('rejects payment method %p on field paymentMethod', async (method) => {
    const { orders, pay, before } = await setup();

    const error = await rejection(pay({}, { method }), InvalidRequestError);

    expect(error.violations.map((v) => v.field)).toEqual(['paymentMethod']);
    expect(orders.stored('o1')).toEqual(before);
  });

  it('refuses a stale expected version and changes nothing', async () => {
    const { orders, events, sagas, holds, uow, pay, before, sagaBefore } = await setup();

    const error = await rejection(pay({}, { expectedVersion: 1 }), VersionMismatchError);
    await uow.flush();

    expect(error.details).toMatchObject({ expectedVersion: '1', actualVersion: '2' });
    expect(orders.stored('o1')).toEqual(before);
    expect(events.published).toEqual([]);
    expect(sagas.stored('o1')).toEqual(sagaBefore);
    expect(holds.requests).toEqual([]);
  });

  it('proceeds when the expected version is current', async () => {
    const { pay } = await setup();

    const result = await pay({}, { expectedVersion: 2 });

    expect(result.order.version).toBe(3);
  });

  it('proceeds when the stated amount equals the order amount', async () => {
    const { handler } = await setup();

    const result = await handler.execute(new PayOrderCommand(customer('c1'), 'o1', 'credit_card', CARD, undefined, '100.50'));

    expect(result.payment.status).toBe('PROCESSING');
  });

  it('refuses a stated amount other than the order amount and changes nothing', async () => {
    const { orders, sagas, holds, uow, handler, before, sagaBefore } = await setup();

    const command = new PayOrderCommand(customer('c1'), 'o1', 'credit_card', CARD, undefined, '100');
    const error = await rejection(handler.execute(command), AmountMismatchError);
    await uow.flush();

    expect(error.details).toEqual({ stated: '100', amount: '100.50', currency: 'USD' });
    expect(orders.stored('o1')).toEqual(before);
    expect(sagas.stored('o1')).toEqual(sagaBefore);
    expect(holds.requests).toEqual([]);
  });

  it('reports another customer’s order as not found', async () => {
    const { orders, sagas, handler, before, sagaBefore } = await setup();

    const command = new PayOrderCommand(customer('c2'), 'o1', 'credit_card', CARD);

    await rejection(handler.execute(command), OrderNotFoundError);

    expect(orders.stored('o1')).toEqual(before);
    expect(sagas.stored('o1')).toEqual(sagaBefore);
    expect(sagas.isLocked('o1')).toBe(false);
  });

  describe('with the saga', () => {
    it('needs the saga in AWAITING_PAYMENT: a PENDING order becomes payable once its stock is reserved', async () => {
      const { world, pay } = await setup('PENDING');
      await rejection(pay(), OrderNotPayableError);

      expect(await world.saga.advance('o1', reservation('RESERVED'))).toBe('advance');
      const result = await pay();

      expect(result.payment.status).toBe('PROCESSING');
      expect(world.sagas.stored('o1')?.phase).toBe('HOLDING');
    });

    it('is refused by the saga, as busy, when the saga is not waiting for a payment', async () => {
      // Not reachable through the order's own transitions (the order refuses first); the saga's
      // check stands guard anyway. The one place a spec forces a saga state.
      const world = orderWorld({ afterCommit: 'manual' });
      world.orders.seed(anOrder({ id: 'o1', customerId: 'c1', state: 'RESERVED' }));
      world.sagas.seed({ orderId: 'o1', phase: 'RESERVING', paymentId: null, pending: [], deadline: null, paymentDeadline: null });
      const before = world.orders.stored('o1');

      const error = await rejection(
        world.pay.execute(new PayOrderCommand(customer('c1'), 'o1', 'credit_card', CARD)),
        OrderBusyError,
      );
      await world.uow.flush();

      expect(error.code).toBe('OPERATION_IN_PROGRESS');
      expect(world.orders.stored('o1')).toEqual(before);
      expect(world.holds.requests).toEqual([]);
    });

    it('moves the saga to HOLDING with the payment and the hold deadline, and sends no command', async () => {
      const { world, sagas, messages, pay } = await setup();

      await pay();

      expect(sagas.stored('o1')).toEqual({
        orderId: 'o1',
        phase: 'HOLDING',
        paymentId: 'pay-0001',
        pending: [],
        deadline: new Date(DEFAULT_NOW.getTime() + world.timing.holdTimeoutMs),
        paymentDeadline: new Date(DEFAULT_NOW.getTime() + world.timing.paymentTimeoutMs),
      });
      // The hold goes over gRPC (card data), never through the outbox.
      expect(messages.sent).toEqual([]);
    });

    it('asks PaymentHolds only after the commit, with the order’s amount and the card', async () => {
      const { holds, uow, sagas, pay } = await setup();

      await pay();
      expect(holds.requests).toEqual([]);
      // The hold request and the order-change signal for waiters in this process.
      expect(uow.queuedEffects).toBe(2);
      await uow.flush();

      expect(holds.requests).toEqual([
        {
          orderId: 'o1',
          paymentId: 'pay-0001',
          customerId: 'c1',
          amount: Money.of(10050n, 'USD'),
          method: 'credit_card',
          card: CARD,
        },
      ]);
      expect(sagas.stored('o1')?.phase).toBe('HOLDING');
      expect(uow.effectErrors).toEqual([]);
    });

    it('waits for the transaction the command joined (the idempotency layer’s), and never asks when it fails', async () => {
      const { world, holds, uow, pay } = await setup('RESERVED', 'at-commit');

      const seenInside: number[] = [];
      await uow.run(async () => {
        await pay();
        seenInside.push(holds.requests.length);
      });
      expect(seenInside).toEqual([0]);
      expect(holds.requests.map((r) => r.paymentId)).toEqual(['pay-0001']);

      await world.arrange({ id: 'o2', customerId: 'c1', state: 'RESERVED' });
      await expect(
        uow.run(async () => {
          await world.pay.execute(new PayOrderCommand(customer('c1'), 'o2', 'credit_card', CARD));
          throw new Error('the idempotency answer could not be stored');
        }),
      ).rejects.toThrow('could not be stored');
      await uow.flush();
      expect(holds.requests).toEqual([]);
    });

    it('asks PaymentHolds at once when no transaction is left open (at-commit mode)', async () => {
      const { holds, uow, pay } = await setup('RESERVED', 'at-commit');

      await pay();
      await uow.flush();

      expect(holds.requests.map((r) => r.paymentId)).toEqual(['pay-0001']);
    });

    it('never asks PaymentHolds when the saga refuses the payment', async () => {
      const { holds, uow, pay } = await setup('PAYMENT_PROCESSING');

      await rejection(pay(), OperationInProgressError);
      await uow.flush();

      expect(holds.requests).toEqual([]);
    });

    it('fails the payment with PAYMENT_PROVIDER_UNAVAILABLE when payment-service cannot be reached; the order stays payable', async () => {
      const { world, orders, sagas, holds, uow, pay } = await setup();
      holds.failWith();

      const result = await pay();
      expect(result.payment.status).toBe('PROCESSING');
      await uow.flush();

      expect(uow.effectErrors).toEqual([]);
      expect(orders.stored('o1')).toMatchObject({
        status: 'RESERVED',
        payment: { id: 'pay-0001', status: 'FAILED', failureReason: PROVIDER_UNAVAILABLE },
      });
      expect(orders.outbox.map((e) => [e.type, e.newStatus])).toEqual([
        ['payment.status_changed', 'PROCESSING'],
        ['payment.status_changed', 'FAILED'],
      ]);
      expect(sagas.stored('o1')).toMatchObject({ phase: 'AWAITING_PAYMENT', paymentId: 'pay-0001', pending: [] });
      expect(world.messages.sent).toEqual([]);

      holds.recover();
      const retry = await pay();
      await uow.flush();
      expect(retry.payment).toMatchObject({ id: 'pay-0002', status: 'PROCESSING' });
      expect(holds.requests.map((r) => r.paymentId)).toEqual(['pay-0001', 'pay-0002']);
    });

    it('records the failed hold even when the database fails the first tries, so the order is payable again within seconds', async () => {
      const { world, orders, sagas, holds, uow, pay } = await setup();
      holds.failWith();
      const advance = world.saga.advance.bind(world.saga);
      const tries = jest
        .spyOn(world.saga, 'advance')
        .mockRejectedValueOnce(new Error('read ECONNRESET'))
        .mockRejectedValueOnce(new Error('read ECONNRESET'))
        .mockImplementation(advance);

      await pay();
      await uow.flush();

      expect(tries).toHaveBeenCalledTimes(3);
      expect(uow.effectErrors).toEqual([]);
      expect(orders.stored('o1')).toMatchObject({ status: 'RESERVED', payment: { status: 'FAILED', failureReason: PROVIDER_UNAVAILABLE } });
      expect(sagas.stored('o1')).toMatchObject({ phase: 'AWAITING_PAYMENT', pending: [] });
    });

    it('ignores its own failure report when payment-service’s answer got there first', async () => {
      const { world, orders, holds, uow, pay } = await setup();
      holds.failWith();
      await pay();
      // The hold went through after all (the gRPC call timed out late) and its reply is consumed first.
      await world.deliver('o1', held('pay-0001'));

      await uow.flush();

      expect(orders.stored('o1')?.payment).toMatchObject({ status: 'HELD', failureReason: '' });
      expect(world.sagas.stored('o1')?.phase).toBe('CAPTURING');
    });

    it('lets a declined payment be retried with a new payment id', async () => {
      const { world, pay, uow } = await setup();
      await pay();
      await uow.flush();
      await world.deliver('o1', holdFailed('pay-0001', 'INSUFFICIENT_FUNDS'));

      const retry = await pay();

      expect(retry.payment).toMatchObject({ id: 'pay-0002', status: 'PROCESSING' });
      expect(world.sagas.stored('o1')).toMatchObject({ phase: 'HOLDING', paymentId: 'pay-0002' });
    });
  });
});

describe('PayOrderHandler on an order without a saga (created before sagas existed)', () => {
  // Nobody would capture or void such a payment's hold, so it is refused and nothing changes.
  it('refuses to pay it and asks payment-service for nothing', async () => {
    const world = orderWorld({ afterCommit: 'manual' });
    world.orders.seed(anOrder({ id: 'o1', customerId: 'c1', state: 'RESERVED' }));
    const before = world.orders.stored('o1');

    await expect(world.pay.execute(new PayOrderCommand(customer('c1'), 'o1', 'credit_card', CARD))).rejects.toBeInstanceOf(
      OrderNotPayableError,
    );
    world.uow.flush();
    expect(world.holds.requests).toEqual([]);
    expect(world.orders.stored('o1')).toEqual(before);
  });
});
