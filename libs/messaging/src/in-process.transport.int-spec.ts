import { NestFactory } from '@nestjs/core';
import { Catch, type ExceptionFilter, type INestMicroservice } from '@nestjs/common';
import { CorrelationInterceptor } from '#libs/observability';
import { throwError } from 'rxjs';
import { v7 as uuidv7 } from 'uuid';
import { createMessagingTestDb, type MessagingTestDb } from '../test/messaging-test-db.js';
import { RecordingLogger } from '../test/recording-logger.js';
import { TestHandlersModule, type HandlerCall, type TestCommand } from '../test/test-handlers.js';
import { InProcessBroker } from './in-process.broker.js';
import { InProcessPublisher } from './in-process.publisher.js';
import { InProcessTransport } from './in-process.transport.js';
import { MessageErrorInterceptor } from './message-error.interceptor.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxWriter } from './outbox.writer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('InProcessTransport + InProcessPublisher (PostgreSQL)', () => {
  const queue = 'inventory-service.commands';
  const calls: HandlerCall[] = [];
  const logger = new RecordingLogger();
  let db: MessagingTestDb;
  let broker: InProcessBroker;
  let publisher: InProcessPublisher;
  let app: INestMicroservice;
  let transport: InProcessTransport;

  const startApp = async (configure: (app: INestMicroservice) => void = (a) => a.useGlobalInterceptors(new MessageErrorInterceptor())) => {
    transport = new InProcessTransport({
      broker,
      consumer: 'inventory-service',
      queues: [{ name: queue, bindings: [{ exchange: 'oms.commands', pattern: 'inventory.#' }], prefetch: 4 }],
      retryDelaysMs: [50, 100],
      tx: db.tx,
      schema: db.schema,
      logger,
    });
    app = await NestFactory.createMicroservice(
      TestHandlersModule.with({ tx: db.tx, writer: new OutboxWriter(db.tx, db.schema), schema: db.schema, repliesExchange: 'oms.replies', calls }),
      { strategy: transport, logger: false },
    );
    configure(app);
    await app.listen();
  };

  let sent = 0;
  const send = async (command: TestCommand, routingKey = 'inventory.reserve', messageId = uuidv7()) => {
    sent++;
    const [result] = await publisher.publish([
      {
        messageId,
        exchange: 'oms.commands',
        routingKey,
        payload: command,
        headers: { 'message-id': messageId, 'x-correlation-id': `corr-${sent}`, 'schema-version': '1', 'x-aggregate-id': command.key },
      },
    ]);
    return { messageId, result: result! };
  };
  const effects = async (key: string) =>
    (await db.dataSource.query(`SELECT note FROM ${db.schema}.effects WHERE key = $1 ORDER BY id`, [key])).map((r: { note: string }) => r.note);
  const callsFor = (key: string) => calls.filter((c) => c.key === key);

  beforeAll(async () => {
    db = await createMessagingTestDb('in_process_spec', 10);
  });
  beforeEach(async () => {
    broker = new InProcessBroker();
    publisher = new InProcessPublisher(broker);
    await startApp();
  });
  afterEach(() => app.close());
  afterAll(() => db?.close());

  it('handles in one transaction with the inbox before the publish resolves; context flows', async () => {
    const { messageId, result } = await send({ key: 'happy' });
    expect(result).toEqual({ messageId, ok: true });
    // Already committed when publish resolved.
    expect(await effects('happy')).toEqual(['attempt 1']);
    expect(callsFor('happy')[0]).toMatchObject({ attempt: 1, messageId, correlationId: `corr-${sent}`, requestCorrelationId: `corr-${sent}`, scopeMessageId: messageId });
    const [reply] = (await db.outbox()).filter((r) => r.aggregate_id === 'happy');
    expect(reply!.headers).toMatchObject({ 'x-causation-id': messageId, 'x-correlation-id': `corr-${sent}` });
  });

  it('deduplicates by message id', async () => {
    const { messageId } = await send({ key: 'twice' });
    const again = await send({ key: 'twice' }, 'inventory.reserve', messageId);
    expect(again.result.ok).toBe(true);
    expect(callsFor('twice')).toHaveLength(1);
    expect(await effects('twice')).toEqual(['attempt 1']);
  });

  it('retries with the configured delays and commits once', async () => {
    const { result } = await send({ key: 'flaky', mode: 'fail-twice' });
    // Taken over by the retry timers: the relay may consider it published.
    expect(result.ok).toBe(true);
    await eventually(async () => (await effects('flaky')).length === 1, 'the third attempt');
    expect(callsFor('flaky').map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(await effects('flaky')).toEqual(['attempt 3']);
  });

  it('dead-letters after the last retry, a permanent error at once, and unknown routing keys', async () => {
    await send({ key: 'doomed', mode: 'always-fail' });
    await send({ key: 'hopeless', mode: 'permanent' });
    await send({ key: 'nobody' }, 'inventory.unknown');
    await eventually(() => broker.deadLetters(queue).length === 3, 'three dead letters');
    const byReason = Object.fromEntries(broker.deadLetters(queue).map((d) => [d.reason, d]));
    expect(byReason['retries-exhausted']).toMatchObject({ attempts: 3, lastError: 'always failing', consumer: 'inventory-service' });
    expect(byReason['permanent']).toMatchObject({ attempts: 1, lastError: 'this reservation can never succeed' });
    expect(byReason['unknown-routing-key']!.delivery.routingKey).toBe('inventory.unknown');
    expect(callsFor('doomed').map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(callsFor('hopeless')).toHaveLength(1);
    expect(await effects('doomed')).toEqual([]);
    expect(await effects('hopeless')).toEqual([]);
  });

  it('recognises a PermanentMessageError even without the error interceptor', async () => {
    await app.close();
    await startApp(() => undefined);
    await send({ key: 'no-interceptor', mode: 'permanent' });
    await eventually(() => broker.deadLetters(queue).length === 1, 'the dead letter');
    expect(broker.deadLetters(queue)[0]).toMatchObject({ reason: 'permanent', attempts: 1 });
  });

  it('under app-wide enhancers (inheritAppConfig): keeps the correlation id, sees through a catch-all filter', async () => {
    /** Like libs/errors' ApiExceptionFilter: every error becomes a gRPC-shaped one. */
    @Catch()
    class CatchAllFilter implements ExceptionFilter {
      catch() {
        return throwError(() => ({ code: 13, message: 'internal' }));
      }
    }
    await app.close();
    await startApp((a) => {
      a.useGlobalInterceptors(new CorrelationInterceptor(), new MessageErrorInterceptor());
      a.useGlobalFilters(new CatchAllFilter());
    });
    const { messageId } = await send({ key: 'enhanced' });
    expect(callsFor('enhanced')[0]).toMatchObject({ requestCorrelationId: `corr-${sent}`, scopeMessageId: messageId });
    const [reply] = (await db.outbox()).filter((r) => r.aggregate_id === 'enhanced');
    expect(reply!.headers).toMatchObject({ 'x-causation-id': messageId, 'x-correlation-id': `corr-${sent}` });
    await send({ key: 'enhanced-permanent', mode: 'permanent' });
    await send({ key: 'enhanced-doomed', mode: 'always-fail' });
    await eventually(() => broker.deadLetters(queue).length === 2, 'two dead letters');
    expect(broker.deadLetters(queue).map((d) => [d.reason, d.lastError])).toEqual([
      ['permanent', 'this reservation can never succeed'],
      ['retries-exhausted', 'always failing'],
    ]);
  });

  it('routes with topic wildcards, to wildcard handlers too; a database connection killed mid-handler is retried', async () => {
    await send({ key: 'wild' }, 'inventory.wild.card');
    const { result } = await send({ key: 'killed', mode: 'kill-db-connection' });
    expect(result.ok).toBe(true);
    await eventually(async () => (await effects('killed')).length === 1, 'the retried effect');
    expect(callsFor('wild')[0]!.routingKey).toBe('inventory.wild.card');
    expect(callsFor('killed').map((c) => c.attempt)).toEqual([1, 2]);
  });

  it('close() waits for the handler in flight; afterwards deliveries are refused (the relay retries them)', async () => {
    const pending = send({ key: 'draining', mode: 'slow' });
    await eventually(() => callsFor('draining').length === 1, 'the slow handler');
    await app.close();
    expect(callsFor('draining')[0]!.finished).toBe(true);
    expect((await pending).result.ok).toBe(true);
    const { result } = await send({ key: 'late' });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/no consumer/) });
    await startApp();
  });

  it('end to end: outbox -> relay -> in-process broker -> handler -> outbox, in order per aggregate', async () => {
    const relay = new OutboxRelay({ dataSource: db.dataSource, schema: db.schema, publisher, idleMs: 20, logger });
    const writer = new OutboxWriter(db.tx, db.schema);
    relay.start();
    try {
      for (let i = 1; i <= 5; i++) {
        await writer.append([
          { exchange: 'oms.commands', routingKey: 'inventory.reserve', aggregateId: 'e2e-a', payload: { key: `e2e-a-${i}` } },
          { exchange: 'oms.commands', routingKey: 'inventory.reserve', aggregateId: 'e2e-b', payload: { key: `e2e-b-${i}` } },
        ]);
      }
      await eventually(async () => calls.filter((c) => c.key.startsWith('e2e-')).length === 10, 'ten handled commands');
      const order = (prefix: string) => calls.filter((c) => c.key.startsWith(prefix)).map((c) => c.key);
      expect(order('e2e-a')).toEqual(['e2e-a-1', 'e2e-a-2', 'e2e-a-3', 'e2e-a-4', 'e2e-a-5']);
      expect(order('e2e-b')).toEqual(['e2e-b-1', 'e2e-b-2', 'e2e-b-3', 'e2e-b-4', 'e2e-b-5']);
    } finally {
      await relay.stop();
    }
  });
});
