import {
  admin,
  anOrder,
  customer,
  DEFAULT_NOW,
  orderWorld,
  rejection,
  reservation,
  type OrderFixtureState,
} from '../../../../test/fakes/index.js';
import { OperationInProgressError, OrderNotCancelableError } from '../../../domain/order.errors.js';
import type { Actor } from '../../actor.js';
import { OrderBusyError, OrderNotFoundError, VersionMismatchError } from '../../application.errors.js';
import { CancelOrderCommand } from './cancel-order.command.js';
import { DEFAULT_CANCEL_REASON } from './cancel-order.handler.js';

/**
 * Order `o1` of customer c1 in `state`: with its saga, arrived at through it (orderWorld().arrange),
 * or, `withSaga: false`, stored alone like an order created before sagas existed.
 */
async function setup(state: OrderFixtureState, withSaga = true) {
  const world = orderWorld({ afterCommit: 'manual' });
  if (withSaga) await world.arrange({ id: 'o1', customerId: 'c1', state });
  else world.orders.seed(anOrder({ id: 'o1', customerId: 'c1', state }));
  const cancel = (reason: string, expectedVersion?: number, actor: Actor = customer('c1')) =>
    world.cancel.execute(new CancelOrderCommand(actor, 'o1', reason, expectedVersion));
  const { orders, events, sagas, messages } = world;
  return { world, orders, events, sagas, messages, cancel, before: orders.stored('o1')!, sagaBefore: sagas.stored('o1') };
}

describe.each([
  ['with its saga', true],
  ['without a saga (created before sagas existed)', false],
])('CancelOrderHandler, order %s', (_, withSaga) => {
  it.each(['PENDING', 'RESERVED', 'PAYMENT_FAILED'] as const)(
    'cancels a %s order with the given reason',
    async (state) => {
      const { orders, events, cancel, before } = await setup(state, withSaga);

      const view = await cancel('changed my mind');

      expect(view).toMatchObject({ status: 'CANCELED', statusReason: 'changed my mind', version: before.version + 1 });
      expect(view.updateTime).toBe(DEFAULT_NOW.toISOString());
      expect(orders.stored('o1')).toMatchObject({ status: 'CANCELED', statusReason: 'changed my mind' });
      const event = {
        type: 'order.status_changed',
        orderId: 'o1',
        prevStatus: before.status,
        newStatus: 'CANCELED',
        reason: 'changed my mind',
        seq: before.statusSeq + 1,
        occurredAt: DEFAULT_NOW,
      };
      expect(orders.outbox).toEqual([event]);
      expect(events.published).toEqual([event]);
    },
  );

  it('records the default reason when none is given', async () => {
    const { orders, cancel } = await setup('RESERVED', withSaga);

    const view = await cancel('');

    expect(view.statusReason).toBe(DEFAULT_CANCEL_REASON);
    expect(orders.outbox).toEqual([expect.objectContaining({ reason: DEFAULT_CANCEL_REASON })]);
  });

  it.each(['CONFIRMED', 'CANCELED', 'REFUNDED'] as const)(
    'refuses to cancel a %s order and changes nothing',
    async (state) => {
      const { orders, events, sagas, messages, cancel, before, sagaBefore } = await setup(state, withSaga);

      await rejection(cancel('please'), OrderNotCancelableError);

      expect(orders.stored('o1')).toEqual(before);
      expect(orders.outbox).toEqual([]);
      expect(events.published).toEqual([]);
      expect(sagas.stored('o1')).toEqual(sagaBefore);
      expect(messages.sent).toEqual([]);
    },
  );

  it('refuses a stale expected version and changes nothing', async () => {
    const { orders, events, sagas, cancel, before, sagaBefore } = await setup('RESERVED', withSaga);

    await rejection(cancel('please', before.version - 1), VersionMismatchError);

    expect(orders.stored('o1')).toEqual(before);
    expect(events.published).toEqual([]);
    expect(sagas.stored('o1')).toEqual(sagaBefore);
  });

  it('proceeds when the expected version is current', async () => {
    const { cancel, before } = await setup('RESERVED', withSaga);

    expect((await cancel('please', before.version)).status).toBe('CANCELED');
  });

  it('reports another customer’s order as not found, but lets an admin cancel it', async () => {
    const { orders, sagas, cancel, before, sagaBefore } = await setup('PENDING', withSaga);

    await rejection(cancel('mine now', undefined, customer('c2')), OrderNotFoundError);
    expect(orders.stored('o1')).toEqual(before);
    expect(sagas.stored('o1')).toEqual(sagaBefore);
    expect(sagas.isLocked('o1')).toBe(false);

    expect((await cancel('fraud', undefined, admin())).status).toBe('CANCELED');
  });
});

describe('CancelOrderHandler with the saga', () => {
  it.each([
    ['PENDING', 'RESERVING'],
    ['RESERVED', 'AWAITING_PAYMENT'],
    ['PAYMENT_FAILED', 'AWAITING_PAYMENT'],
  ] as const)('releases the stock of a %s order (saga %s) and waits for the release', async (state, phase) => {
    const { world, sagas, messages, cancel, sagaBefore } = await setup(state);
    expect(sagaBefore?.phase).toBe(phase);

    await cancel('changed my mind');

    expect(messages.sent).toEqual([
      {
        orderId: 'o1',
        commands: ['inventory.release'],
        sagaPhase: 'COMPENSATING',
        paymentId: sagaBefore!.paymentId,
        reason: 'changed my mind',
      },
    ]);
    expect(sagas.stored('o1')).toEqual({ ...sagaBefore, phase: 'COMPENSATING', pending: ['inventory.release'], deadline: null, paymentDeadline: null });

    expect(await world.saga.advance('o1', reservation('RELEASED'))).toBe('advance');
    expect(sagas.stored('o1')).toMatchObject({ phase: 'ENDED', pending: [] });
  });

  it.each([
    ['PAYMENT_PROCESSING', 'HOLDING'],
    ['PAYMENT_HELD', 'CAPTURING'],
  ] as const)('refuses a %s order (saga %s) as busy and changes nothing', async (state, phase) => {
    const { orders, events, sagas, messages, cancel, before, sagaBefore } = await setup(state);

    const error = await rejection(cancel('please'), OrderBusyError);

    expect(error.code).toBe('OPERATION_IN_PROGRESS');
    expect(error.details).toEqual({ orderId: 'o1', phase });
    expect(orders.stored('o1')).toEqual(before);
    expect(orders.outbox).toEqual([]);
    expect(events.published).toEqual([]);
    expect(sagas.stored('o1')).toEqual(sagaBefore);
    expect(messages.sent).toEqual([]);
  });

  // Known gap (see the report): the saga answers `busy` while the stock of a PAID order is being
  // committed, so the client is told to retry (ABORTED) a cancel that can never succeed, where
  // proto/oms/v1/order.proto promises FAILED_PRECONDITION for PAID orders. Passes once fixed.
  it('refuses a PAID order (its stock being committed) as not cancelable, as the contract says', async () => {
    const { cancel } = await setup('PAID');

    await rejection(cancel('please'), OrderNotCancelableError);
  });

  it('refuses a second cancel and does not release twice', async () => {
    const { messages, cancel } = await setup('RESERVED');
    await cancel('first');

    await rejection(cancel('second'), OrderNotCancelableError);

    expect(messages.commands('o1')).toEqual(['inventory.release']);
  });
});

describe('CancelOrderHandler without a saga', () => {
  it('voids a held payment together with the cancellation', async () => {
    const { orders, cancel } = await setup('PAYMENT_HELD', false);

    const view = await cancel('too slow');

    expect(view).toMatchObject({ status: 'CANCELED', payment: { status: 'VOIDED' } });
    expect(orders.outbox.map((e) => [e.type, e.newStatus])).toEqual([
      ['payment.status_changed', 'VOIDED'],
      ['order.status_changed', 'CANCELED'],
    ]);
  });

  it('refuses to cancel a PAID order and changes nothing', async () => {
    const { orders, events, cancel, before } = await setup('PAID', false);

    await rejection(cancel('please'), OrderNotCancelableError);

    expect(orders.stored('o1')).toEqual(before);
    expect(orders.outbox).toEqual([]);
    expect(events.published).toEqual([]);
  });

  it('refuses while a payment is PROCESSING', async () => {
    const { orders, cancel, before } = await setup('PAYMENT_PROCESSING', false);

    await rejection(cancel('please'), OperationInProgressError);

    expect(orders.stored('o1')).toEqual(before);
  });
});
