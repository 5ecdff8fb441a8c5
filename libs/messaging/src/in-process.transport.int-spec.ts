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

  const startApp = async (
    configure: (app: INestMicroservice) => void = (a) => a.useGlobalInterceptors(new MessageErrorInterceptor()),
    retryDelaysMs: readonly number[] = [50, 100],
  ) => {
    transport = new InProcessTransport({
      broker,
      consumer: 'inventory-service',
      queues: [{ name: queue, bindings: [{ exchange: 'oms.commands', pattern: 'inventory.#' }], prefetch: 4 }],
      retryDelaysMs,
      retryPollMs: 20,
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
  const deferred = async (messageId: string) =>
    (await db.dataSource.query(`SELECT state, attempt, reason, last_error FROM ${db.schema}.deferred_deliveries WHERE message_id = $1`, [
      messageId,
    ])) as { state: string; attempt: number; reason: string | null; last_error: string }[];

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

  it('retries with the configured delays and commits once; the parked retry is a row until handled', async () => {
    const { messageId, result } = await send({ key: 'flaky', mode: 'fail-twice' });
    // Parked in deferred_deliveries before the publish resolved: the relay may consider it published.
    expect(result.ok).toBe(true);
    expect(await deferred(messageId)).toEqual([{ state: 'retry', attempt: 2, reason: null, last_error: 'transient failure 1' }]);
    await eventually(async () => (await effects('flaky')).length === 1, 'the third attempt');
    expect(callsFor('flaky').map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(await effects('flaky')).toEqual(['attempt 3']);
    await eventually(async () => (await deferred(messageId)).length === 0, 'the retry row removed');
  });

  it('a parked retry survives a restart of the consumer', async () => {
    await app.close();
    await startApp(undefined, [400, 50]);
    const { messageId, result } = await send({ key: 'restarted', mode: 'fail-twice' });
    expect(result.ok).toBe(true);
    await app.close(); // before the retry is due: nothing of it is left in memory
    expect(callsFor('restarted').map((c) => c.attempt)).toEqual([1]);
    expect(await deferred(messageId)).toHaveLength(1);
    await startApp();
    await eventually(async () => (await effects('restarted')).length === 1, 'the retries after the restart');
    expect(callsFor('restarted').map((c) => c.attempt)).toEqual([1, 2, 3]);
  });

  it('fails the publish when the retry cannot be recorded, so the outbox keeps the message', async () => {
    await db.dataSource.query(`ALTER TABLE ${db.schema}.deferred_deliveries RENAME TO deferred_deliveries_away`);
    try {
      const { result } = await send({ key: 'unrecordable', mode: 'fail-twice' });
      expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/deferred_deliveries/) });
    } finally {
      await db.dataSource.query(`ALTER TABLE ${db.schema}.deferred_deliveries_away RENAME TO deferred_deliveries`);
    }
    expect(await effects('unrecordable')).toEqual([]);
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
    const recorded = (await db.dataSource.query(
      `SELECT routing_key, reason, attempt, last_error FROM ${db.schema}.deferred_deliveries WHERE state = 'dead' ORDER BY id`,
    )) as unknown[];
    expect(recorded).toEqual(
      expect.arrayContaining([
        { routing_key: 'inventory.reserve', reason: 'retries-exhausted', attempt: 3, last_error: 'always failing' },
        { routing_key: 'inventory.reserve', reason: 'permanent', attempt: 1, last_error: 'this reservation can never succeed' },
        { routing_key: 'inventory.unknown', reason: 'unknown-routing-key', attempt: 1, last_error: 'no handler for routing key inventory.unknown' },
      ]),
    );
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
