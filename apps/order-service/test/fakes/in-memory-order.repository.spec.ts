import { ConcurrentModificationError } from '../../src/application/application.errors.js';
import { DEFAULT_NOW } from './fixed-clock.js';
import { InMemoryOrderRepository } from './in-memory-order.repository.js';
import { anOrder } from './order-fixtures.js';

const at = (seconds: number) => new Date(DEFAULT_NOW.getTime() + seconds * 1000);

describe('InMemoryOrderRepository (the fake the handler specs trust)', () => {
  it('stores a copy: mutating the aggregate after saving changes nothing stored', async () => {
    const repo = new InMemoryOrderRepository();
    const order = anOrder({ id: 'o1' });
    await repo.insert(order);

    order.markReserved(at(1));

    expect(repo.stored('o1')?.status).toBe('PENDING');
    expect((await repo.findById('o1'))?.status).toBe('PENDING');
  });

  it('moves the events into the outbox on write and marks the aggregate persisted', async () => {
    const repo = new InMemoryOrderRepository();
    const order = anOrder({ id: 'o1' });
    await repo.insert(order);
    order.markReserved(at(1));
    await repo.update(order);

    expect(repo.outbox.map((e) => [e.type, e.seq, e.newStatus])).toEqual([
      ['order.status_changed', 1, 'PENDING'],
      ['order.status_changed', 2, 'RESERVED'],
    ]);
    expect(order.peekEvents()).toEqual([]);
    expect(order.persistedVersion).toBe(2);
  });

  it('refuses a stale write and keeps state and outbox as they were', async () => {
    const repo = new InMemoryOrderRepository();
    repo.seed(anOrder({ id: 'o1', state: 'RESERVED' }));
    const first = (await repo.findById('o1'))!;
    const second = (await repo.findById('o1'))!;
    first.cancel('A', at(10));
    await repo.update(first);
    second.cancel('B', at(11));

    await expect(repo.update(second)).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(repo.stored('o1')?.statusReason).toBe('A');
    expect(repo.outbox.map((e) => e.type === 'order.status_changed' && e.reason)).toEqual(['A']);
  });

  it('refuses a duplicate insert and an update of a missing order', async () => {
    const repo = new InMemoryOrderRepository();
    await repo.insert(anOrder({ id: 'o1' }));

    await expect(repo.insert(anOrder({ id: 'o1' }))).rejects.toThrow(/duplicate/);
    await expect(repo.update(anOrder({ id: 'o2' }))).rejects.toBeInstanceOf(ConcurrentModificationError);
  });

  it('lists newest first by (createTime, id), strictly after the cursor, filtered', async () => {
    const repo = new InMemoryOrderRepository();
    repo.seed(
      anOrder({ id: 'a', createTime: at(1) }),
      anOrder({ id: 'c', createTime: at(2) }),
      anOrder({ id: 'b', createTime: at(2), state: 'RESERVED' }),
      anOrder({ id: 'd', createTime: at(3), customerId: 'c2' }),
    );
    const ids = async (criteria: Parameters<InMemoryOrderRepository['list']>[0]) =>
      (await repo.list(criteria)).map((o) => o.id);

    expect(await ids({ limit: 10 })).toEqual(['d', 'c', 'b', 'a']);
    expect(await ids({ limit: 2 })).toEqual(['d', 'c']);
    expect(await ids({ limit: 10, after: { createTime: at(2), id: 'c' } })).toEqual(['b', 'a']);
    expect(await ids({ limit: 10, customerId: 'c1' })).toEqual(['c', 'b', 'a']);
    expect(await ids({ limit: 10, status: 'RESERVED' })).toEqual(['b']);
  });
});
