import { OrderChangeSignals } from './order-change-signals.js';

const settled = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('OrderChangeSignals', () => {
  it('wakes the watchers of the order that changed, and only them', async () => {
    const signals = new OrderChangeSignals();
    const o1 = signals.watch('o1');
    const o2 = signals.watch('o2');
    const waiting1 = o1.next(60_000);
    const waiting2 = o2.next(60_000);
    signals.changed('o1');
    expect(await settled(waiting1)).toBe(true);
    expect(await settled(waiting2)).toBe(false);
    o2.close();
    expect(await settled(waiting2)).toBe(true);
    o1.close();
    expect(signals.watchedOrders).toBe(0);
  });

  it('remembers a change that came between two waits, once', async () => {
    const signals = new OrderChangeSignals();
    const watch = signals.watch('o1');
    signals.changed('o1');
    signals.changed('o1');
    expect(await settled(watch.next(60_000))).toBe(true);
    expect(await settled(watch.next(60_000))).toBe(false);
    watch.close();
  });

  it('gives up after the pause when nothing changes', async () => {
    const watch = new OrderChangeSignals().watch('o1');
    const started = Date.now();
    await watch.next(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    watch.close();
  });
});
