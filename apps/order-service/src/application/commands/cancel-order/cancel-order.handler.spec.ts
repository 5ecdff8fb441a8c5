import {
  admin,
  anOrder,
  customer,
  DEFAULT_NOW,
  FixedClock,
  InMemoryOrderRepository,
  RecordingEventPublisher,
  rejection,
  type OrderFixtureState,
} from '../../../../test/fakes/index.js';
import { OperationInProgressError, OrderNotCancelableError } from '../../../domain/order.errors.js';
import type { Actor } from '../../actor.js';
import { OrderNotFoundError, VersionMismatchError } from '../../application.errors.js';
import { CancelOrderCommand } from './cancel-order.command.js';
import { CancelOrderHandler, DEFAULT_CANCEL_REASON } from './cancel-order.handler.js';

function setup(state: OrderFixtureState) {
  const orders = new InMemoryOrderRepository();
  orders.seed(anOrder({ id: 'o1', customerId: 'c1', state }));
  const events = new RecordingEventPublisher();
  const handler = new CancelOrderHandler(orders, events, new FixedClock());
  const cancel = (reason: string, expectedVersion?: number, actor: Actor = customer('c1')) =>
    handler.execute(new CancelOrderCommand(actor, 'o1', reason, expectedVersion));
  return { orders, events, cancel, before: orders.stored('o1')! };
}

describe('CancelOrderHandler', () => {
  it.each(['PENDING', 'RESERVED', 'PAYMENT_FAILED'] as const)(
    'cancels a %s order with the given reason',
    async (state) => {
      const { orders, events, cancel, before } = setup(state);

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
    const { orders, cancel } = setup('RESERVED');

    const view = await cancel('');

    expect(view.statusReason).toBe(DEFAULT_CANCEL_REASON);
    expect(orders.outbox).toEqual([expect.objectContaining({ reason: DEFAULT_CANCEL_REASON })]);
  });

  it('voids a held payment together with the cancellation', async () => {
    const { orders, cancel } = setup('PAYMENT_HELD');

    const view = await cancel('too slow');

    expect(view).toMatchObject({ status: 'CANCELED', payment: { status: 'VOIDED' } });
    expect(orders.outbox.map((e) => [e.type, e.newStatus])).toEqual([
      ['payment.status_changed', 'VOIDED'],
      ['order.status_changed', 'CANCELED'],
    ]);
  });

  it.each(['PAID', 'CONFIRMED', 'CANCELED', 'REFUNDED'] as const)(
    'refuses to cancel a %s order and changes nothing',
    async (state) => {
      const { orders, events, cancel, before } = setup(state);

      await rejection(cancel('please'), OrderNotCancelableError);

      expect(orders.stored('o1')).toEqual(before);
      expect(orders.outbox).toEqual([]);
      expect(events.published).toEqual([]);
    },
  );

  it('refuses while a payment is PROCESSING', async () => {
    const { orders, cancel, before } = setup('PAYMENT_PROCESSING');

    await rejection(cancel('please'), OperationInProgressError);

    expect(orders.stored('o1')).toEqual(before);
  });

  it('refuses a stale expected version and changes nothing', async () => {
    const { orders, events, cancel, before } = setup('RESERVED');

    await rejection(cancel('please', before.version - 1), VersionMismatchError);

    expect(orders.stored('o1')).toEqual(before);
    expect(events.published).toEqual([]);
  });

  it('proceeds when the expected version is current', async () => {
    const { cancel, before } = setup('RESERVED');

    expect((await cancel('please', before.version)).status).toBe('CANCELED');
  });

  it('reports another customer’s order as not found, but lets an admin cancel it', async () => {
    const { orders, cancel, before } = setup('PENDING');

    await rejection(cancel('mine now', undefined, customer('c2')), OrderNotFoundError);
    expect(orders.stored('o1')).toEqual(before);

    expect((await cancel('fraud', undefined, admin())).status).toBe('CANCELED');
  });
});
