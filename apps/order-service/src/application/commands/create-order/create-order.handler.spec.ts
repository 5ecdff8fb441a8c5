import {
  admin,
  customer,
  DEFAULT_NOW,
  FixedCatalog,
  FixedClock,
  ImmediateUnitOfWork,
  InMemoryOrderRepository,
  InMemoryOrderSagaRepository,
  RecordingEventPublisher,
  RecordingSagaMessages,
  rejection,
  SequentialIds,
  TEST_SAGA_TIMING,
} from '../../../../test/fakes/index.js';
import { Money } from '../../../domain/money.js';
import { InvalidOrderError } from '../../../domain/order.errors.js';
import type { Actor } from '../../actor.js';
import { ForbiddenError, InvalidRequestError } from '../../application.errors.js';
import { AmountMismatchError } from '../../stated-amount.js';
import { OrderSagaCoordinator } from '../../saga/order-saga.coordinator.js';
import { CreateOrderCommand, type CreateOrderItemInput } from './create-order.command.js';
import { CreateOrderHandler } from './create-order.handler.js';

function setup(catalog = new FixedCatalog()) {
  const uow = new ImmediateUnitOfWork('manual');
  const orders = new InMemoryOrderRepository();
  const sagas = new InMemoryOrderSagaRepository(uow);
  const messages = new RecordingSagaMessages();
  const events = new RecordingEventPublisher();
  const clock = new FixedClock();
  const saga = new OrderSagaCoordinator(orders, sagas, messages, events, clock, uow, TEST_SAGA_TIMING);
  const handler = new CreateOrderHandler(orders, catalog, clock, new SequentialIds('order-'), events, saga, uow);
  const create = (actor: Actor, items: CreateOrderItemInput[], opts: { customerId?: string; currency?: string } = {}) =>
    handler.execute(new CreateOrderCommand(actor, opts.customerId ?? '', items, opts.currency));
  /** Nothing stored, sent or published anywhere. */
  const expectNothingWritten = () => {
    expect(orders.storedAll()).toEqual([]);
    expect(orders.outbox).toEqual([]);
    expect(sagas.storedAll()).toEqual([]);
    expect(messages.sent).toEqual([]);
    expect(events.published).toEqual([]);
  };
  return { uow, orders, sagas, messages, events, handler, create, expectNothingWritten };
}

const usd = (amountMinor: bigint) => ({ currency: 'USD', amountMinor });
const SEED_ITEMS: CreateOrderItemInput[] = [
  { sku: 'P001', qty: 2 },
  { sku: 'P002', qty: 1 },
];

describe('CreateOrderHandler', () => {
  it('creates a PENDING order at version 1 priced from the catalog, for the caller by default', async () => {
    const { orders, create } = setup();

    const view = await create(customer('c1'), SEED_ITEMS);

    expect(view).toEqual({
      id: 'order-0001',
      customerId: 'c1',
      status: 'PENDING',
      statusReason: '',
      amount: { currency: 'USD', amountMinor: '10050' },
      items: [
        { sku: 'P001', qty: 2, price: { currency: 'USD', amountMinor: '3350' } },
        { sku: 'P002', qty: 1, price: { currency: 'USD', amountMinor: '3350' } },
      ],
      version: 1,
      createTime: DEFAULT_NOW.toISOString(),
      updateTime: DEFAULT_NOW.toISOString(),
      payment: null,
    });
    expect(orders.stored('order-0001')).toMatchObject({
      customerId: 'c1',
      status: 'PENDING',
      version: 1,
      amount: { currency: 'USD', amountMinor: 10050n },
    });
  });

  it('accepts item prices that equal the catalog price', async () => {
    const { create } = setup();

    const view = await create(customer('c1'), [{ sku: 'P001', qty: 3, price: usd(3350n) }], { currency: 'USD' });

    expect(view.amount).toEqual({ currency: 'USD', amountMinor: '10050' });
  });

  it('prices an order in the currency its products are sold in', async () => {
    const { create } = setup();

    const view = await create(customer('c1'), [{ sku: 'E001', qty: 2 }], { currency: 'EUR' });

    expect(view.amount).toEqual({ currency: 'EUR', amountMinor: '3998' });
  });

  it('records exactly one order.status_changed event, seq 1, in the outbox and publishes it', async () => {
    const { orders, events, create } = setup();

    await create(customer('c1'), SEED_ITEMS);

    const expected = {
      type: 'order.status_changed',
      orderId: 'order-0001',
      prevStatus: null,
      newStatus: 'PENDING',
      reason: '',
      seq: 1,
      occurredAt: DEFAULT_NOW,
    };
    expect(orders.outbox).toEqual([expected]);
    expect(events.published).toEqual([expected]);
  });

  it('starts the order’s saga in the same transaction: RESERVING, with inventory.reserve sent', async () => {
    const { uow, sagas, messages, create } = setup();

    const view = await create(customer('c1'), SEED_ITEMS);

    expect(sagas.stored(view.id)).toEqual({
      orderId: view.id,
      phase: 'RESERVING',
      paymentId: null,
      pending: [],
      deadline: null,
      paymentDeadline: null,
    });
    expect(messages.sent).toEqual([
      { orderId: view.id, commands: ['inventory.reserve'], sagaPhase: 'RESERVING', paymentId: null, reason: '' },
    ]);
    expect([uow.commits, uow.rollbacks]).toEqual([1, 0]);
  });

  it('starts one saga per order', async () => {
    const { sagas, messages, create } = setup();

    const first = await create(customer('c1'), SEED_ITEMS);
    const second = await create(customer('c2'), [{ sku: 'E001', qty: 1 }]);

    expect(sagas.storedAll().map((s) => [s.orderId, s.phase])).toEqual([
      [first.id, 'RESERVING'],
      [second.id, 'RESERVING'],
    ]);
    expect(messages.sent.map((m) => [m.orderId, m.commands])).toEqual([
      [first.id, ['inventory.reserve']],
      [second.id, ['inventory.reserve']],
    ]);
  });

  it('publishes nothing when the transaction fails', async () => {
    const { sagas, events, create } = setup();
    // A saga row left behind for the id the next order gets: the saga insert fails.
    sagas.seed({ orderId: 'order-0001', phase: 'ENDED', paymentId: null, pending: [], deadline: null, paymentDeadline: null });

    await expect(create(customer('c1'), SEED_ITEMS)).rejects.toThrow(/duplicate/);

    expect(events.published).toEqual([]);
  });

  it('lets a customer name themselves explicitly', async () => {
    const { create } = setup();

    const view = await create(customer('c1'), SEED_ITEMS, { customerId: 'c1' });

    expect(view.customerId).toBe('c1');
  });

  it('forbids a customer to create an order for another customer, storing nothing', async () => {
    const { orders, events, create, expectNothingWritten } = setup();

    await rejection(create(customer('c1'), SEED_ITEMS, { customerId: 'c2' }), ForbiddenError);

    expect(orders.storedAll()).toEqual([]);
    expect(orders.outbox).toEqual([]);
    expect(events.published).toEqual([]);
    expectNothingWritten();
  });

  it('lets an admin create an order for any customer', async () => {
    const { orders, create } = setup();

    const view = await create(admin('a1'), SEED_ITEMS, { customerId: 'c2' });

    expect(view.customerId).toBe('c2');
    expect(orders.stored(view.id)?.customerId).toBe('c2');
  });

  describe('with a stated total (the legacy orderAmount)', () => {
    it('creates the order when the stated total equals the computed one', async () => {
      const { handler } = setup();

      const view = await handler.execute(new CreateOrderCommand(customer('c1'), '', SEED_ITEMS, undefined, '100.5'));

      expect(view.amount).toEqual({ currency: 'USD', amountMinor: '10050' });
    });

    it('refuses another total, naming both, and stores nothing', async () => {
      const { handler, expectNothingWritten } = setup();

      const error = await rejection(
        handler.execute(new CreateOrderCommand(customer('c1'), '', SEED_ITEMS, undefined, '100.49')),
        AmountMismatchError,
      );

      expect(error.details).toEqual({ stated: '100.49', amount: '100.50', currency: 'USD' });
      expectNothingWritten();
    });
  });

  describe('checks the request against the catalog (InvalidRequestError)', () => {
    it('rejects an unknown sku at its index', async () => {
      const { orders, events, create, expectNothingWritten } = setup();

      const error = await rejection(
        create(customer('c1'), [{ sku: 'P001', qty: 1 }, { sku: 'NOPE', qty: 1 }]),
        InvalidRequestError,
      );

      expect(error.violations.map((v) => v.field)).toEqual(['items[1].sku']);
      expect(orders.storedAll()).toEqual([]);
      expect(events.published).toEqual([]);
      expectNothingWritten();
    });

    it('rejects a stated price that differs from the catalog in amount or currency', async () => {
      const { orders, create } = setup();

      const error = await rejection(
        create(customer('c1'), [
          { sku: 'P001', qty: 1, price: usd(3349n) },
          { sku: 'P002', qty: 1, price: usd(3350n) },
          { sku: 'E001', qty: 1, price: usd(1999n) },
        ]),
        InvalidRequestError,
      );

      expect(error.violations.map((v) => v.field)).toEqual(['items[0].price', 'items[2].price']);
      expect(orders.storedAll()).toEqual([]);
    });

    it('rejects a requested currency the products are not sold in, once', async () => {
      const { orders, create } = setup();

      const error = await rejection(create(customer('c1'), SEED_ITEMS, { currency: 'EUR' }), InvalidRequestError);

      expect(error.violations.map((v) => v.field)).toEqual(['currency']);
      expect(orders.storedAll()).toEqual([]);
    });

    it('reports every catalog violation together', async () => {
      const { create } = setup();

      const error = await rejection(
        create(customer('c1'), [
          { sku: 'GONE', qty: 1 },
          { sku: 'P001', qty: 1, price: usd(1n) },
        ]),
        InvalidRequestError,
      );

      expect(error.violations.map((v) => v.field)).toEqual(['items[0].sku', 'items[1].price']);
    });
  });

  describe('passes on the domain rules (InvalidOrderError)', () => {
    it.each([
      [
        'a duplicate sku',
        [{ sku: 'P001', qty: 1 }, { sku: 'P002', qty: 1 }, { sku: 'P001', qty: 2 }],
        ['items[2].sku'],
      ],
      ['a quantity of 0', [{ sku: 'P001', qty: 0 }], ['items[0].qty']],
      ['a quantity over 10000', [{ sku: 'P001', qty: 10_001 }], ['items[0].qty']],
      ['a fractional quantity', [{ sku: 'P001', qty: 1.5 }], ['items[0].qty']],
      ['no items', [], ['items']],
      ['products in two currencies', [{ sku: 'P001', qty: 1 }, { sku: 'E001', qty: 1 }], ['items[1].price']],
    ])('rejects %s', async (_, items: CreateOrderItemInput[], fields: string[]) => {
      const { orders, events, create, expectNothingWritten } = setup();

      const error = await rejection(create(customer('c1'), items), InvalidOrderError);

      expect(error.violations.map((v) => v.field)).toEqual(fields);
      expect(orders.storedAll()).toEqual([]);
      expect(orders.outbox).toEqual([]);
      expect(events.published).toEqual([]);
      expectNothingWritten();
    });

    it('accepts 100 items and rejects 101', async () => {
      const products = Array.from({ length: 101 }, (_, i) => ({
        sku: `S${String(i).padStart(3, '0')}`,
        name: `product ${i}`,
        unitPrice: Money.of(1n, 'USD'),
      }));
      const { create } = setup(new FixedCatalog(products));
      const items = products.map((p) => ({ sku: p.sku, qty: 1 }));

      const view = await create(customer('c1'), items.slice(0, 100));
      const error = await rejection(create(customer('c1'), items), InvalidOrderError);

      expect(view.items).toHaveLength(100);
      expect(view.amount.amountMinor).toBe('100');
      expect(error.violations.map((v) => v.field)).toEqual(['items']);
    });
  });
});
