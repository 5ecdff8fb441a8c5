import type { TransactionRunner } from '#libs/database';
import { RequestContext } from '#libs/observability';
import { RecordingLogger } from '../test/recording-logger.js';
import { handlesOnly } from './delivery-relevance.js';
import { DeliveryPipeline, type IncomingDelivery, type MessageHandlerFn } from './delivery.pipeline.js';
import { MessageContext } from './message.context.js';
import { PermanentMessageError } from './messaging.errors.js';

/** A unit of work whose inbox remembers message ids, or that cannot open a transaction at all. */
function fakeTx(options: { down?: boolean } = {}) {
  const inbox = new Set<string>();
  const tx = {
    run: async <T>(fn: (manager: unknown) => Promise<T>): Promise<T> => {
      if (options.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      const pending = new Set<string>();
      const manager = {
        query: async (_sql: string, [consumer, id]: [string, string]) => {
          const key = `${consumer}/${id}`;
          if (inbox.has(key)) return [];
          pending.add(key);
          return [{ fresh: 1 }];
        },
      };
      const result = await fn(manager); // throws: the "transaction" rolls back, the inbox stays as it was
      for (const key of pending) inbox.add(key);
      return result;
    },
  };
  return tx as unknown as TransactionRunner;
}

const delivery = (extra: Partial<IncomingDelivery> = {}): IncomingDelivery => ({
  queue: 'q',
  exchange: 'oms.commands',
  routingKey: 'inventory.reserve',
  messageId: 'm-1',
  headers: { 'x-correlation-id': 'corr-1' },
  body: '{"orderId":"o1"}',
  redelivered: false,
  ...extra,
});

describe('DeliveryPipeline', () => {
  const pipeline = (handler: MessageHandlerFn | undefined, tx = fakeTx()) =>
    new DeliveryPipeline({ consumer: 'svc', tx, schema: 'svc', retryDelaysMs: [10, 20, 30], resolveHandler: () => handler, logger: new RecordingLogger() });

  it('hands the handler the parsed payload, a MessageContext and the request context; duplicates skip it', async () => {
    const seen: unknown[] = [];
    const p = pipeline(async (payload, ctx) => void seen.push(payload, ctx, RequestContext.current()));
    expect(await p.process(delivery())).toEqual({ kind: 'handled', duplicate: false, attempt: 1 });
    expect(await p.process(delivery({ redelivered: true }))).toEqual({ kind: 'handled', duplicate: true, attempt: 1 });
    expect(seen).toHaveLength(3);
    expect(seen[0]).toEqual({ orderId: 'o1' });
    expect(seen[1]).toBeInstanceOf(MessageContext);
    expect(seen[1]).toMatchObject({ messageId: 'm-1', routingKey: 'inventory.reserve', attempt: 1, correlationId: 'corr-1', consumer: 'svc' });
    // Handling is a span of its own (the message carried no trace: a new one).
    expect(seen[2]).toEqual({ correlationId: 'corr-1', causationId: 'm-1', traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) });
  });

  it('retries with the delay of the failed attempt, then dead-letters when the delays are used up', async () => {
    const p = pipeline(async () => {
      throw new Error('busy');
    });
    expect(await p.process(delivery())).toEqual({ kind: 'retry', attempt: 1, nextAttempt: 2, retryIndex: 1, delayMs: 10, error: 'busy' });
    expect(await p.process(delivery({ headers: { 'x-attempt': '3' } }))).toMatchObject({ kind: 'retry', nextAttempt: 4, retryIndex: 3, delayMs: 30 });
    expect(await p.process(delivery({ headers: { 'x-attempt': '4' } }))).toEqual({ kind: 'dead-letter', attempt: 4, reason: 'retries-exhausted', error: 'busy' });
  });

  it('dead-letters at once what can never succeed', async () => {
    const permanent = pipeline(async () => {
      throw new PermanentMessageError('no such order');
    });
    expect(await permanent.process(delivery())).toEqual({ kind: 'dead-letter', attempt: 1, reason: 'permanent', error: 'no such order' });
    const ok = pipeline(async () => undefined);
    expect(await ok.process(delivery({ messageId: undefined }))).toMatchObject({ reason: 'missing-message-id' });
    expect(await ok.process(delivery({ body: '{oops' }))).toMatchObject({ reason: 'invalid-payload' });
    expect(await pipeline(undefined).process(delivery())).toMatchObject({ reason: 'unknown-routing-key' });
  });

  it('uses up no attempt while the database cannot be reached: waits the longest delay, same attempt', async () => {
    let called = false;
    const p = pipeline(async () => void (called = true), fakeTx({ down: true }));
    expect(await p.process(delivery({ headers: { 'x-attempt': '2' } }))).toEqual({
      kind: 'retry',
      attempt: 2,
      nextAttempt: 2,
      retryIndex: 3,
      delayMs: 30,
      error: 'connect ECONNREFUSED 127.0.0.1:5432',
    });
    expect(called).toBe(false);
  });

  it('reads the original routing key of a retried copy, and replaces an unusable correlation id', async () => {
    const contexts: MessageContext[] = [];
    const p = pipeline(async (_payload, ctx) => void contexts.push(ctx));
    await p.process(
      delivery({
        routingKey: 'q',
        exchange: '',
        headers: { 'x-original-routing-key': 'inventory.reserve', 'x-original-exchange': 'oms.commands', 'x-attempt': '2', 'x-correlation-id': 'bad id!' },
      }),
    );
    expect(contexts[0]).toMatchObject({ routingKey: 'inventory.reserve', exchange: 'oms.commands', attempt: 2 });
    expect(contexts[0]!.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(contexts[0]!.get('x-attempt')).toEqual(['2']);
    expect(contexts[0]!.get('nope')).toEqual([]);
  });

  describe('a handler that takes only some messages (handlesOnly)', () => {
    /** A handler as Nest registers it with `@EventPattern(key, transport, handlesOnly(test))`. */
    const selective = (test: (payload: unknown) => boolean, seen: unknown[]) =>
      Object.assign(async (payload: unknown) => void seen.push(payload), { extras: handlesOnly(test) }) as MessageHandlerFn;
    const opened = () => {
      const counted = { transactions: 0, tx: fakeTx() };
      const run = counted.tx.run.bind(counted.tx);
      counted.tx = { run: (fn: never) => (counted.transactions++, run(fn)) } as unknown as TransactionRunner;
      return counted;
    };

    it('acknowledges what it declines without a transaction, and handles the rest as usual', async () => {
      const seen: unknown[] = [];
      const counted = opened();
      const p = pipeline(selective((payload) => (payload as { status: string }).status !== 'PENDING', seen), counted.tx);
      expect(await p.process(delivery({ body: '{"status":"PENDING"}' }))).toEqual({ kind: 'handled', duplicate: false, attempt: 1, ignored: true });
      expect(counted.transactions).toBe(0);
      expect(seen).toEqual([]);
      // Declining wrote no inbox row: the same message id is still new to a relevant payload.
      expect(await p.process(delivery({ body: '{"status":"RESERVED"}' }))).toEqual({ kind: 'handled', duplicate: false, attempt: 1 });
      expect(counted.transactions).toBe(1);
      expect(seen).toEqual([{ status: 'RESERVED' }]);
    });

    it('hands the handler a payload its test cannot read, so that it dead-letters it with its own reason', async () => {
      const seen: unknown[] = [];
      const p = pipeline(
        selective(() => {
          throw new Error('no status');
        }, seen),
      );
      expect(await p.process(delivery({ body: '{}' }))).toEqual({ kind: 'handled', duplicate: false, attempt: 1 });
      expect(seen).toEqual([{}]);
    });
  });
});
