import type { OrderSagaState, SagaPhase } from '../../src/application/saga/order-saga.state.js';
import { DEFAULT_NOW } from './fixed-clock.js';
import { ImmediateUnitOfWork } from './immediate-unit-of-work.js';
import { InMemoryOrderSagaRepository } from './in-memory-order-saga.repository.js';

const at = (seconds: number) => new Date(DEFAULT_NOW.getTime() + seconds * 1000);
const saga = (orderId: string, extra: Partial<OrderSagaState> = {}): OrderSagaState => ({
  orderId,
  phase: 'AWAITING_PAYMENT',
  paymentDeadline: null,
  paymentId: null,
  pending: [],
  deadline: null,
  ...extra,
});
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  const uow = new ImmediateUnitOfWork('manual');
  return { uow, repo: new InMemoryOrderSagaRepository(uow) };
}

describe('InMemoryOrderSagaRepository (the fake the handler specs trust)', () => {
  it('stores copies: changing a state after writing or reading changes nothing stored', async () => {
    const { repo } = setup();
    const state = { ...saga('o1'), pending: ['inventory.release'] } as { pending: string[] } & OrderSagaState;
    await repo.insert(state);
    state.pending.push('payment.void');
    const read = (await repo.find('o1')) as { pending: string[] } & OrderSagaState;
    read.pending.length = 0;

    expect(repo.stored('o1')?.pending).toEqual(['inventory.release']);
  });

  it('refuses a duplicate insert, an update of a missing saga and a phase the table does not allow', async () => {
    const { repo } = setup();
    await repo.insert(saga('o1'));

    await expect(repo.insert(saga('o1'))).rejects.toThrow(/duplicate/);
    await expect(repo.update(saga('o2'))).rejects.toThrow(/no saga row/);
    await expect(repo.insert(saga('o3', { phase: 'PAID' as SagaPhase }))).rejects.toThrow(/phase_check/);
  });

  it('answers null for a missing saga and locks nothing', async () => {
    const { uow, repo } = setup();

    await uow.run(async () => {
      expect(await repo.lock('missing')).toBeNull();
      expect(repo.isLocked('missing')).toBe(false);
    });
  });

  it('holds a lock until the transaction ends; the next locker then reads the committed row', async () => {
    const { uow, repo } = setup();
    repo.seed(saga('o1'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];

    const first = uow.run(async () => {
      await repo.lock('o1');
      order.push('first locked');
      await gate;
      await repo.update(saga('o1', { phase: 'HOLDING', paymentId: 'p1' }));
      order.push('first commits');
    });
    const second = uow.run(async () => {
      const seen = await repo.lock('o1');
      order.push(`second locked, sees ${seen?.phase}`);
    });
    await tick();

    expect(order).toEqual(['first locked']);
    expect(repo.isLocked('o1')).toBe(true);
    expect((await repo.find('o1'))?.phase).toBe('AWAITING_PAYMENT');
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first commits', 'second locked, sees HOLDING']);
    expect(repo.isLocked('o1')).toBe(false);
  });

  it('releases the lock of a failed transaction too, and lets its own transaction lock again', async () => {
    const { uow, repo } = setup();
    repo.seed(saga('o1'));

    await expect(
      uow.run(async () => {
        await repo.lock('o1');
        await repo.lock('o1');
        await uow.run(() => repo.update(saga('o1', { phase: 'ENDED' })));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect(repo.isLocked('o1')).toBe(false);
    expect(await uow.run(() => repo.lock('o1'))).toMatchObject({ phase: 'ENDED' });
  });

  it('lockDue: deadline <= now, earliest first, up to the limit, skipping rows another transaction holds', async () => {
    const { uow, repo } = setup();
    repo.seed(
      saga('late', { deadline: at(30) }),
      saga('no-deadline'),
      saga('b', { deadline: at(-5) }),
      saga('exactly-now', { deadline: at(0) }),
      saga('a', { deadline: at(-10) }),
      saga('held-elsewhere', { deadline: at(-20) }),
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const other = uow.run(async () => {
      await repo.lock('held-elsewhere');
      await gate;
    });

    const due = await uow.run(async () => {
      const ids = await repo.lockDue(DEFAULT_NOW, 10);
      expect(ids.every((id) => repo.isLocked(id))).toBe(true);
      return ids;
    });
    const limited = await uow.run(() => repo.lockDue(DEFAULT_NOW, 2));
    release();
    await other;

    expect(due).toEqual(['a', 'b', 'exactly-now']);
    expect(limited).toEqual(['a', 'b']);
    expect(await uow.run(() => repo.lockDue(DEFAULT_NOW, 1))).toEqual(['held-elsewhere']);
  });
});
