import {
  anOrder,
  customer,
  DEFAULT_NOW,
  FixedClock,
  InMemoryOrderRepository,
  RecordingEventPublisher,
  rejection,
  type OrderFixtureState,
} from '../../../../test/fakes/index.js';
import { OrderNotRefundableError } from '../../../domain/order.errors.js';
import type { Actor } from '../../actor.js';
import { OrderNotFoundError, VersionMismatchError } from '../../application.errors.js';
import { RefundOrderCommand } from './refund-order.command.js';
import { DEFAULT_REFUND_REASON, RefundOrderHandler } from './refund-order.handler.js';

function setup(state: OrderFixtureState) {
  const orders = new InMemoryOrderRepository();
  orders.seed(anOrder({ id: 'o1', customerId: 'c1', state }));
  const events = new RecordingEventPublisher();
  const handler = new RefundOrderHandler(orders, events, new FixedClock());
  const refund = (reason: string, expectedVersion?: number, actor: Actor = customer('c1')) =>
    handler.execute(new RefundOrderCommand(actor, 'o1', reason, expectedVersion));
  return { orders, events, refund, before: orders.stored('o1')! };
}

describe('RefundOrderHandler', () => {
  it.each(['PAID', 'CONFIRMED'] as const)('refunds a %s order and its payment', async (state) => {
    const { orders, events, refund, before } = setup(state);

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
    const { refund } = setup('PAID');

    expect((await refund('')).statusReason).toBe(DEFAULT_REFUND_REASON);
  });

  it.each(['PENDING', 'RESERVED', 'PAYMENT_PROCESSING', 'CANCELED', 'REFUNDED'] as const)(
    'refuses to refund a %s order and changes nothing',
    async (state) => {
      const { orders, events, refund, before } = setup(state);

      await rejection(refund('please'), OrderNotRefundableError);

      expect(orders.stored('o1')).toEqual(before);
      expect(orders.outbox).toEqual([]);
      expect(events.published).toEqual([]);
    },
  );

  it('refuses a stale expected version and changes nothing', async () => {
    const { orders, refund, before } = setup('PAID');

    await rejection(refund('please', before.version + 1), VersionMismatchError);

    expect(orders.stored('o1')).toEqual(before);
  });

  it('reports another customer’s order as not found', async () => {
    const { orders, refund, before } = setup('PAID');

    await rejection(refund('please', undefined, customer('c2')), OrderNotFoundError);

    expect(orders.stored('o1')).toEqual(before);
  });
});
