import {
  anOrder,
  customer,
  DEFAULT_NOW,
  orderWorld,
  refunded,
  rejection,
  reservation,
  type OrderFixtureState,
} from '../../../../test/fakes/index.js';
import { OrderNotRefundableError } from '../../../domain/order.errors.js';
import type { Actor } from '../../actor.js';
import { OrderBusyError, OrderNotFoundError, VersionMismatchError } from '../../application.errors.js';
import { RefundOrderCommand } from './refund-order.command.js';
import { DEFAULT_REFUND_REASON } from './refund-order.handler.js';

/**
 * Order `o1` of customer c1 in `state`: with its saga, arrived at through it (orderWorld().arrange),
 * or, `withSaga: false`, stored alone like an order created before sagas existed.
 */
async function setup(state: OrderFixtureState, withSaga = true) {
  const world = orderWorld({ afterCommit: 'manual' });
  const paymentId = withSaga ? await world.arrange({ id: 'o1', customerId: 'c1', state }) : null;
  if (!withSaga) world.orders.seed(anOrder({ id: 'o1', customerId: 'c1', state }));
  const refund = (reason: string, expectedVersion?: number, actor: Actor = customer('c1')) =>
    world.refund.execute(new RefundOrderCommand(actor, 'o1', reason, expectedVersion));
  const { orders, events, sagas, messages } = world;
  return { world, orders, events, sagas, messages, refund, paymentId, before: orders.stored('o1')!, sagaBefore: sagas.stored('o1') };
}

describe.each([
  ['with its saga', true],
  ['without a saga (created before sagas existed)', false],
])('RefundOrderHandler, order %s', (_, withSaga) => {
  // With a saga, a PAID order is still being committed: see 'RefundOrderHandler with the saga'.
  const refundable = withSaga ? (['CONFIRMED'] as const) : (['PAID', 'CONFIRMED'] as const);

  it.each(refundable)('refunds a %s order and its payment', async (state) => {
    const { orders, events, refund, before } = await setup(state, withSaga);

    const view = await refund('damaged');

    expect(view).toMatchObject({
      status: 'REFUNDED',
      statusReason: 'damaged',
      version: before.version + 1,
      payment: { status: 'REFUNDED' },
    });
    expect(orders.stored('o1')).toMatchObject({ status: 'REFUNDED', payment: { status: 'REFUNDED' } });
    expect(orders.outbox).toEqual([
      expect.objectContaining({ type: 'payment.status_changed', newStatus: 'REFUNDED', seq: before.paymentSeq + 1 }),
      {
        type: 'order.status_changed',
        orderId: 'o1',
        prevStatus: state,
        newStatus: 'REFUNDED',
        reason: 'damaged',
        seq: before.statusSeq + 1,
        occurredAt: DEFAULT_NOW,
      },
    ]);
    expect(events.published).toEqual(orders.outbox);
  });

  it('records the default reason when none is given', async () => {
    const { refund } = await setup('CONFIRMED', withSaga);

    expect((await refund('')).statusReason).toBe(DEFAULT_REFUND_REASON);
  });

  it.each(['PENDING', 'RESERVED', 'PAYMENT_PROCESSING', 'CANCELED', 'REFUNDED'] as const)(
    'refuses to refund a %s order and changes nothing',
    async (state) => {
      const { orders, events, sagas, messages, refund, before, sagaBefore } = await setup(state, withSaga);

      await rejection(refund('please'), OrderNotRefundableError);

      expect(orders.stored('o1')).toEqual(before);
      expect(orders.outbox).toEqual([]);
      expect(events.published).toEqual([]);
      expect(sagas.stored('o1')).toEqual(sagaBefore);
      expect(messages.sent).toEqual([]);
    },
  );

  it('refuses a stale expected version and changes nothing', async () => {
    const { orders, refund, before } = await setup('PAID', withSaga);

    await rejection(refund('please', before.version + 1), VersionMismatchError);

    expect(orders.stored('o1')).toEqual(before);
  });

  it('reports another customer’s order as not found', async () => {
    const { orders, refund, before } = await setup('PAID', withSaga);

    await rejection(refund('please', undefined, customer('c2')), OrderNotFoundError);

    expect(orders.stored('o1')).toEqual(before);
  });
});

describe('RefundOrderHandler with the saga', () => {
  it('refunds the money and returns the stock of a CONFIRMED order, then ends the saga', async () => {
    const { world, sagas, messages, refund, paymentId, sagaBefore } = await setup('CONFIRMED');
    expect(sagaBefore).toMatchObject({ phase: 'COMPLETED', paymentId });

    await refund('damaged');

    expect(messages.sent).toEqual([
      { orderId: 'o1', commands: ['payment.refund', 'inventory.restock'], sagaPhase: 'COMPENSATING', paymentId, reason: 'damaged' },
    ]);
    expect(sagas.stored('o1')).toMatchObject({ phase: 'COMPENSATING', pending: ['payment.refund', 'inventory.restock'] });

    expect(await world.saga.advance('o1', refunded(paymentId!))).toBe('advance');
    expect(sagas.stored('o1')).toMatchObject({ phase: 'COMPENSATING', pending: ['inventory.restock'] });
    expect(await world.saga.advance('o1', reservation('RESTOCKED'))).toBe('advance');
    expect(sagas.stored('o1')).toMatchObject({ phase: 'ENDED', pending: [] });
    expect(world.orders.stored('o1')).toMatchObject({ status: 'REFUNDED', payment: { status: 'REFUNDED' } });
  });

  it.each([
    ['PAID', 'COMMITTING'],
    ['PAYMENT_HELD', 'CAPTURING'],
  ] as const)('refuses a %s order (saga %s) as busy and changes nothing', async (state, phase) => {
    const { orders, events, sagas, messages, refund, before, sagaBefore } = await setup(state);

    const error = await rejection(refund('please'), OrderBusyError);

    expect(error.code).toBe('OPERATION_IN_PROGRESS');
    expect(error.details).toEqual({ orderId: 'o1', phase });
    expect(orders.stored('o1')).toEqual(before);
    expect(orders.outbox).toEqual([]);
    expect(events.published).toEqual([]);
    expect(sagas.stored('o1')).toEqual(sagaBefore);
    expect(messages.sent).toEqual([]);
  });

  it('refunds a PAID order once its stock is committed', async () => {
    const { world, refund } = await setup('PAID');
    await world.deliver('o1', reservation('COMMITTED'));

    const view = await refund('damaged');

    expect(view).toMatchObject({ status: 'REFUNDED', payment: { status: 'REFUNDED' } });
    expect(world.messages.commands('o1')).toEqual(['payment.refund', 'inventory.restock']);
  });

  it('refuses a second refund and does not refund twice', async () => {
    const { messages, refund } = await setup('CONFIRMED');
    await refund('first');

    await rejection(refund('second'), OrderNotRefundableError);

    expect(messages.commands('o1')).toEqual(['payment.refund', 'inventory.restock']);
  });
});
