import {
  anOrder,
  customer,
  FixedClock,
  InMemoryOrderRepository,
  RecordingEventPublisher,
  SequentialIds,
} from '../../test/fakes/index.js';
import { ConcurrentModificationError } from './application.errors.js';
import { CancelOrderCommand } from './commands/cancel-order/cancel-order.command.js';
import { CancelOrderHandler } from './commands/cancel-order/cancel-order.handler.js';
import { PayOrderCommand } from './commands/pay-order/pay-order.command.js';
import { PayOrderHandler } from './commands/pay-order/pay-order.handler.js';

const CARD = { number: '4242424242424242', expiry: '12/34', cvv: '123' };

function setup() {
  const orders = new InMemoryOrderRepository();
  orders.seed(anOrder({ id: 'o1', customerId: 'c1', state: 'RESERVED' }));
  const events = new RecordingEventPublisher();
  const clock = new FixedClock();
  return {
    orders,
    events,
    before: orders.stored('o1')!,
    cancel: new CancelOrderHandler(orders, events, clock),
    pay: new PayOrderHandler(orders, events, clock, new SequentialIds('pay-')),
  };
}

describe('concurrent changes to one order', () => {
  it('lets the first write win; the second, loaded at the same version, fails and changes nothing', async () => {
    const { orders, events, before, cancel, pay } = setup();
    orders.holdReadsUntil(2);

    const [canceled, paid] = await Promise.allSettled([
      cancel.execute(new CancelOrderCommand(customer('c1'), 'o1', 'changed my mind')),
      pay.execute(new PayOrderCommand(customer('c1'), 'o1', 'credit_card', CARD)),
    ]);

    const outcomes = [canceled.status, paid.status].sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const loser = [canceled, paid].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason).toBeInstanceOf(ConcurrentModificationError);

    const stored = orders.stored('o1')!;
    expect(stored.version).toBe(before.version + 1);
    if (canceled.status === 'fulfilled') {
      expect(stored).toMatchObject({ status: 'CANCELED', statusReason: 'changed my mind', payment: null });
      expect(orders.outbox.map((e) => e.type)).toEqual(['order.status_changed']);
    } else {
      expect(stored).toMatchObject({ status: 'RESERVED', payment: { status: 'PROCESSING' } });
      expect(orders.outbox.map((e) => e.type)).toEqual(['payment.status_changed']);
    }
    expect(events.published).toEqual(orders.outbox);
  });

  it('fails the slower of two identical changes, so an event is committed and published once', async () => {
    const { orders, events, before, cancel } = setup();
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
