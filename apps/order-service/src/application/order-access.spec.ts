import { anOrder, customer, orderWorld, rejection, reservation, TEST_CARD } from '../../test/fakes/index.js';
import { OrderNotCancelableError, OrderNotPayableError } from '../domain/order.errors.js';
import { ConcurrentModificationError, OrderBusyError } from './application.errors.js';
import { CancelOrderCommand } from './commands/cancel-order/cancel-order.command.js';
import { PayOrderCommand } from './commands/pay-order/pay-order.command.js';

/** Order o1 of c1, RESERVED, with no saga: what orders created before sagas existed look like. */
function withoutSaga() {
  const world = orderWorld({ afterCommit: 'manual' });
  world.orders.seed(anOrder({ id: 'o1', customerId: 'c1', state: 'RESERVED' }));
  return { ...world, before: world.orders.stored('o1')! };
}

/** Order o1 of c1, RESERVED, its saga AWAITING_PAYMENT. */
async function withSaga() {
  const world = orderWorld({ afterCommit: 'manual' });
  await world.arrange({ id: 'o1', customerId: 'c1', state: 'RESERVED' });
  return { ...world, before: world.orders.stored('o1')! };
}

const cancelCommand = (reason: string) => new CancelOrderCommand(customer('c1'), 'o1', reason);
const payCommand = () => new PayOrderCommand(customer('c1'), 'o1', 'credit_card', TEST_CARD);

describe('concurrent changes to one order without a saga (optimistic versions)', () => {
  it('fails the slower of two identical changes, so an event is committed and published once', async () => {
    const { orders, events, before, cancel } = withoutSaga();
    orders.holdReadsUntil(2);

    const results = await Promise.allSettled([
      cancel.execute(new CancelOrderCommand(customer('c1'), 'o1', 'first')),
      cancel.execute(new CancelOrderCommand(customer('c1'), 'o1', 'second')),
    ]);

    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(ConcurrentModificationError);
    const winner = results.find((r) => r.status === 'fulfilled')!;
    const reason = winner === results[0] ? 'first' : 'second';
    expect(orders.stored('o1')).toMatchObject({ version: before.version + 1, statusReason: reason });
    expect(orders.outbox).toEqual([
      expect.objectContaining({ newStatus: 'CANCELED', reason, seq: before.statusSeq + 1 }),
    ]);
    expect(events.published).toEqual(orders.outbox);
  });
});

describe('concurrent changes to one order with a saga (serialized by the saga lock)', () => {
  it('runs a cancel and a payment one after the other: the payment then finds the order CANCELED', async () => {
    const { orders, events, sagas, messages, holds, uow, before, cancel, pay } = await withSaga();

    const canceling = cancel.execute(cancelCommand('changed my mind'));
    expect(sagas.isLocked('o1')).toBe(true);
    const paying = pay.execute(payCommand());

    expect((await canceling).status).toBe('CANCELED');
    await rejection(paying, OrderNotPayableError);
    await uow.flush();

    expect(orders.stored('o1')).toMatchObject({ version: before.version + 1, status: 'CANCELED', payment: null });
    expect(orders.outbox.map((e) => e.type)).toEqual(['order.status_changed']);
    expect(events.published).toEqual(orders.outbox);
    expect(messages.commands('o1')).toEqual(['inventory.release']);
    expect(holds.requests).toEqual([]);
    expect(sagas.isLocked('o1')).toBe(false);
  });

  it('runs a payment and a cancel one after the other: the cancel then finds the payment under way', async () => {
    const { orders, events, sagas, messages, uow, holds, before, cancel, pay } = await withSaga();

    const paying = pay.execute(payCommand());
    const canceling = cancel.execute(cancelCommand('changed my mind'));

    expect((await paying).payment.status).toBe('PROCESSING');
    const error = await rejection(canceling, OrderBusyError);
    await uow.flush();

    expect(error.details).toMatchObject({ phase: 'HOLDING' });
    expect(orders.stored('o1')).toMatchObject({ version: before.version + 1, payment: { status: 'PROCESSING' } });
    expect(events.published).toEqual(orders.outbox);
    expect(sagas.stored('o1')?.phase).toBe('HOLDING');
    expect(messages.sent).toEqual([]);
    expect(holds.requests).toHaveLength(1);
  });

  it('applies the first of two identical cancels; the second is refused, so one event and one release', async () => {
    const { orders, events, messages, before, cancel } = await withSaga();

    const results = await Promise.allSettled([cancel.execute(cancelCommand('first')), cancel.execute(cancelCommand('second'))]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(OrderNotCancelableError);
    expect(orders.stored('o1')).toMatchObject({ version: before.version + 1, statusReason: 'first' });
    expect(orders.outbox).toEqual([expect.objectContaining({ newStatus: 'CANCELED', reason: 'first', seq: before.statusSeq + 1 })]);
    expect(events.published).toEqual(orders.outbox);
    expect(messages.commands('o1')).toEqual(['inventory.release']);
  });

  it('makes a reply wait for a client operation in flight, then decides on what it committed', async () => {
    const world = orderWorld({ afterCommit: 'manual' });
    await world.arrange({ id: 'o1', customerId: 'c1', state: 'PENDING' });

    const canceling = world.cancel.execute(cancelCommand('changed my mind'));
    // The reservation succeeds while the cancel holds the saga: it must see the cancel, not race it.
    const replying = world.saga.advance('o1', reservation('RESERVED'));

    expect((await canceling).status).toBe('CANCELED');
    expect(await replying).toBe('advance');
    // The late reservation is released again; the order stays CANCELED.
    expect(world.messages.commands('o1')).toEqual(['inventory.release', 'inventory.release']);
    expect(world.orders.stored('o1')).toMatchObject({ status: 'CANCELED' });
    expect(world.sagas.stored('o1')).toMatchObject({ phase: 'COMPENSATING', pending: ['inventory.release'] });
  });
});
