import { Command, type CommandBus } from '@nestjs/cqrs';
import { RequestContext } from '#libs/observability';
import { IdempotentCommandBus } from './idempotent-command-bus.js';
import type { IdempotencyScope, IdempotencyStore } from './idempotency.store.js';
import { requestHash } from './request-hash.js';

class Rename extends Command<string> {
  constructor(readonly name: string) {
    super();
  }
}

class FakeBus {
  readonly executed: object[] = [];
  execute(command: Rename): Promise<string> {
    this.executed.push(command);
    return Promise.resolve(`renamed to ${command.name}`);
  }
}

/** Records the scope and runs the work once, like a store seeing a new key. */
class FakeStore {
  readonly scopes: IdempotencyScope[] = [];
  once<T>(id: IdempotencyScope, work: () => Promise<T>): Promise<T> {
    this.scopes.push(id);
    return work();
  }
}

function setup(): { bus: FakeBus; store: FakeStore; commands: IdempotentCommandBus } {
  const bus = new FakeBus();
  const store = new FakeStore();
  const commands = new IdempotentCommandBus(bus as unknown as CommandBus, store as unknown as IdempotencyStore);
  return { bus, store, commands };
}

describe('IdempotentCommandBus', () => {
  it('is the plain bus outside any request context', async () => {
    const { bus, store, commands } = setup();
    const command = new Rename('a');

    await expect(commands.execute(command)).resolves.toBe('renamed to a');
    expect(bus.executed).toEqual([command]);
    expect(store.scopes).toEqual([]);
  });

  it('is the plain bus for a request without an idempotency key', async () => {
    const { bus, store, commands } = setup();
    await RequestContext.run({ correlationId: 'c', subject: 'alice' }, () => commands.execute(new Rename('a')));

    expect(bus.executed).toHaveLength(1);
    expect(store.scopes).toEqual([]);
  });

  it('with a key, runs the command through the store, scoped to the caller and hashed by command', async () => {
    const { bus, store, commands } = setup();
    const command = new Rename('a');

    const result = await RequestContext.run({ correlationId: 'c', subject: 'alice', idempotencyKey: 'k-1' }, () =>
      commands.execute(command),
    );

    expect(result).toBe('renamed to a');
    expect(store.scopes).toEqual([{ scope: 'alice', key: 'k-1', requestHash: requestHash(command) }]);
    expect(bus.executed).toEqual([command]);
  });

  it('keeps the keys of different callers apart, and gives anonymous callers their own scope', async () => {
    const { store, commands } = setup();
    await RequestContext.run({ correlationId: 'c1', subject: 'alice', idempotencyKey: 'k' }, () => commands.execute(new Rename('a')));
    await RequestContext.run({ correlationId: 'c2', subject: 'bob', idempotencyKey: 'k' }, () => commands.execute(new Rename('a')));
    await RequestContext.run({ correlationId: 'c3', idempotencyKey: 'k' }, () => commands.execute(new Rename('a')));

    expect(store.scopes.map((s) => s.scope)).toEqual(['alice', 'bob', '']);
    expect(new Set(store.scopes.map((s) => s.requestHash)).size).toBe(1);
  });

  it('hashes different commands differently under one key', async () => {
    const { store, commands } = setup();
    await RequestContext.run({ correlationId: 'c', subject: 'alice', idempotencyKey: 'k' }, async () => {
      await commands.execute(new Rename('a'));
      await commands.execute(new Rename('b'));
    });

    expect(store.scopes[0]!.requestHash).not.toBe(store.scopes[1]!.requestHash);
  });
});
