import { ImmediateUnitOfWork } from './immediate-unit-of-work.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ImmediateUnitOfWork (the fake the handler specs trust)', () => {
  it('joins nested runs into the ambient transaction and keeps concurrent top-level runs apart', async () => {
    const uow = new ImmediateUnitOfWork('manual');
    const seen: unknown[] = [];

    await uow.run(async () => {
      const outer = uow.current();
      await uow.run(async () => seen.push(uow.current() === outer));
    });
    const [a, b] = await Promise.all([uow.run(async () => uow.current()), uow.run(async () => uow.current())]);

    expect(seen).toEqual([true]);
    expect(a).not.toBe(b);
    expect(uow.current()).toBeUndefined();
    expect(uow.commits).toBe(3);
  });

  describe('manual mode', () => {
    it('queues effects until flush(), in order, also those registered outside a transaction', async () => {
      const uow = new ImmediateUnitOfWork('manual');
      const ran: string[] = [];

      await uow.run(async () => {
        uow.afterCommit(() => void ran.push('first'));
        uow.afterCommit(async () => {
          ran.push('second');
          uow.afterCommit(() => void ran.push('queued by an effect'));
        });
      });
      uow.afterCommit(() => void ran.push('outside'));

      expect(ran).toEqual([]);
      expect(uow.queuedEffects).toBe(3);
      await uow.flush();
      expect(ran).toEqual(['first', 'second', 'outside', 'queued by an effect']);
    });

    it('drops the effects of a failed transaction, nested runs included, and counts the rollback', async () => {
      const uow = new ImmediateUnitOfWork('manual');
      const ran: string[] = [];

      const failed = uow.run(async () => {
        await uow.run(async () => uow.afterCommit(() => void ran.push('never')));
        throw new Error('boom');
      });

      await expect(failed).rejects.toThrow('boom');
      await uow.flush();
      expect(ran).toEqual([]);
      expect([uow.commits, uow.rollbacks]).toEqual([0, 1]);
    });
  });

  describe('at-commit mode (what TransactionRunner does)', () => {
    it('runs effects after the outermost run succeeded, before it resolves, outside the transaction', async () => {
      const uow = new ImmediateUnitOfWork('at-commit');
      const ran: string[] = [];

      await uow.run(async () => {
        await uow.run(async () => uow.afterCommit(() => void ran.push(`effect, in a transaction: ${uow.current() !== undefined}`)));
        ran.push('end of work');
      });

      expect(ran).toEqual(['end of work', 'effect, in a transaction: false']);
    });

    it('starts an effect registered outside a transaction at once, without the caller awaiting it', async () => {
      const uow = new ImmediateUnitOfWork('at-commit');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const ran: string[] = [];

      uow.afterCommit(async () => {
        ran.push('started');
        await gate;
        ran.push('finished');
      });

      expect(ran).toEqual(['started']);
      const flushed = uow.flush();
      await tick();
      expect(ran).toEqual(['started']);
      release();
      await flushed;
      expect(ran).toEqual(['started', 'finished']);
    });
  });

  it('keeps effects’ errors away from the code that committed', async () => {
    const uow = new ImmediateUnitOfWork('at-commit');

    const result = await uow.run(async () => {
      uow.afterCommit(() => {
        throw new Error('effect failed');
      });
      return 'committed';
    });

    expect(result).toBe('committed');
    expect(uow.effectErrors).toEqual([new Error('effect failed')]);
  });
});
