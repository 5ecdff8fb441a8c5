import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { createMessagingTestDb, type MessagingTestDb } from '../test/messaging-test-db.js';
import { AMQP_URL, forceCloseConnections, RabbitTestBroker, uniquePrefix } from '../test/rabbit-test-broker.js';
import { RecordingLogger } from '../test/recording-logger.js';
import { TestHandlersModule, type HandlerCall, type TestCommand } from '../test/test-handlers.js';
import { AmqpPublisher } from './amqp.publisher.js';
import { topologyQueueNames } from './amqp.topology.js';
import { AmqpTransport } from './amqp.transport.js';
import { MessageErrorInterceptor } from './message-error.interceptor.js';
import { OutboxWriter } from './outbox.writer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('AmqpTransport (RabbitMQ + PostgreSQL)', () => {
  const p = uniquePrefix('transport');
  const names = {
    commands: `${p}.commands`,
    replies: `${p}.replies`,
    events: `${p}.events`,
    retry: `${p}.retry`,
    dlx: `${p}.dlx`,
  };
  const queue = `${p}.inventory`;
  const retryDelaysMs = [50, 100];
  const calls: HandlerCall[] = [];
  const gates = new Map<string, Promise<void>>();
  const logger = new RecordingLogger();
  let db: MessagingTestDb;
  let rabbit: RabbitTestBroker;
  let publisher: AmqpPublisher;
  let app: INestMicroservice;
  let transport: AmqpTransport;

  const startApp = async () => {
    transport = new AmqpTransport({
      url: AMQP_URL,
      consumer: 'inventory-service',
      queues: [{ name: queue, bindings: [{ exchange: names.commands, pattern: 'inventory.#' }], prefetch: 8 }],
      retryDelaysMs,
      tx: db.tx,
      schema: db.schema,
      exchanges: [names.commands, names.replies, names.events],
      retryExchange: names.retry,
      deadLetterExchange: names.dlx,
      connectionName: `${p}:consumer`,
      drainTimeoutMs: 5_000,
      logger,
    });
    app = await NestFactory.createMicroservice(
      TestHandlersModule.with({ tx: db.tx, writer: new OutboxWriter(db.tx, db.schema), schema: db.schema, repliesExchange: names.replies, calls, gates }),
      { strategy: transport, logger: false },
    );
    app.useGlobalInterceptors(new MessageErrorInterceptor());
    await app.listen();
  };

  let sent = 0;
  const send = async (command: TestCommand, routingKey = 'inventory.reserve', messageId = uuidv7()): Promise<string> => {
    sent++;
    const [result] = await publisher.publish([
      {
        messageId,
        exchange: names.commands,
        routingKey,
        payload: command,
        headers: { 'message-id': messageId, 'x-correlation-id': `corr-${sent}`, 'schema-version': '1', 'x-aggregate-id': command.key },
      },
    ]);
    expect(result).toEqual({ messageId, ok: true });
    return messageId;
  };
  const effects = async (key: string) =>
    (await db.dataSource.query(`SELECT note FROM ${db.schema}.effects WHERE key = $1 ORDER BY id`, [key])).map((r: { note: string }) => r.note);
  const replies = async (key: string) =>
    (await db.outbox()).filter((r) => r.aggregate_id === key);
  const callsFor = (key: string) => calls.filter((c) => c.key === key);

  beforeAll(async () => {
    db = await createMessagingTestDb('transport_spec', 10);
    rabbit = await RabbitTestBroker.open();
    rabbit.track('exchange', ...Object.values(names));
    rabbit.track('queue', ...topologyQueueNames([{ name: queue, bindings: [] }], retryDelaysMs));
    publisher = new AmqpPublisher({ url: AMQP_URL, connectionName: `${p}:publisher`, logger });
    await startApp();
  });

  afterAll(async () => {
    await app?.close();
    await publisher?.close();
    await rabbit?.close();
    await db?.close();
  });

  it('declares the topology: quorum queue with delivery limit and DLX, DLQ, TTL retry queues', async () => {
    const { stdout } = await import('node:child_process').then(({ execFile }) =>
      import('node:util').then(({ promisify }) => promisify(execFile)('rabbitmqctl', ['list_queues', 'name', 'type', 'arguments', '--formatter', 'json', '-q'])),
    );
    const queues = (JSON.parse(stdout) as { name: string; type: string; arguments: [string, string, unknown][] }[]).filter((q) => q.name.startsWith(p));
    const args = (name: string) => Object.fromEntries(queues.find((q) => q.name === name)!.arguments.map(([k, , v]) => [k, v]));
    expect(queues.map((q) => [q.name, q.type]).sort()).toEqual(
      [
        [queue, 'quorum'],
        [`${queue}.dlq`, 'classic'],
        [`${queue}.retry.1`, 'quorum'],
        [`${queue}.retry.2`, 'quorum'],
      ].sort(),
    );
    expect(args(queue)).toMatchObject({ 'x-delivery-limit': 10, 'x-dead-letter-exchange': names.dlx, 'x-dead-letter-routing-key': queue });
    expect(args(`${queue}.retry.2`)).toMatchObject({ 'x-message-ttl': 100, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue });
  });

  it('runs the handler in one transaction with the inbox, then acks; context and causation flow', async () => {
    const id = await send({ key: 'happy' });
    await eventually(async () => (await effects('happy')).length === 1, 'the effect');
    await eventually(async () => (await rabbit.messageCount(queue)) === 0, 'the ack');
    const [call] = callsFor('happy');
    expect(call).toMatchObject({ routingKey: 'inventory.reserve', attempt: 1, messageId: id, correlationId: `corr-${sent}`, requestCorrelationId: `corr-${sent}`, scopeMessageId: id });
    const [reply] = await replies('happy');
    expect(reply!.headers).toMatchObject({ 'x-correlation-id': `corr-${sent}`, 'x-causation-id': id });
    const inbox = await db.dataSource.query(`SELECT consumer FROM ${db.schema}.inbox WHERE message_id = $1`, [id]);
    expect(inbox).toEqual([{ consumer: 'inventory-service' }]);
  });

  it('handles a message delivered twice (same message id) once', async () => {
    const id = await send({ key: 'twice' });
    await send({ key: 'twice' }, 'inventory.reserve', id);
    await eventually(async () => (await rabbit.messageCount(queue)) === 0 && callsFor('twice').length >= 1, 'both deliveries');
    await sleep(200);
    expect(callsFor('twice')).toHaveLength(1);
    expect(await effects('twice')).toEqual(['attempt 1']);
    expect(await replies('twice')).toHaveLength(1);
  });

  it('retries a failing handler through the retry queues until it succeeds, committing once', async () => {
    await send({ key: 'flaky', mode: 'fail-twice' });
    await eventually(async () => (await effects('flaky')).length === 1, 'the third attempt');
    expect(callsFor('flaky').map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(callsFor('flaky')[2]!.routingKey).toBe('inventory.reserve');
    expect(callsFor('flaky')[2]!.headers['x-last-error']).toBe('transient failure 2');
    expect(await effects('flaky')).toEqual(['attempt 3']);
    expect(await replies('flaky')).toHaveLength(1);
  });

  it('dead-letters a handler that always fails after the last retry, with the reason and error', async () => {
    const id = await send({ key: 'doomed', mode: 'always-fail' });
    const [dead] = await rabbit.take(`${queue}.dlq`, 1);
    expect(callsFor('doomed').map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(JSON.parse(dead!.content.toString())).toEqual({ key: 'doomed', mode: 'always-fail' });
    expect(dead!.properties).toMatchObject({ messageId: id, correlationId: `corr-${sent}`, type: 'inventory.reserve', deliveryMode: 2 });
    expect(dead!.properties.headers).toMatchObject({
      'x-death-reason': 'retries-exhausted',
      'x-last-error': 'always failing',
      'x-attempt': '3',
      'x-original-routing-key': 'inventory.reserve',
      'x-original-exchange': names.commands,
      'x-consumer': 'inventory-service',
      'message-id': id,
    });
    expect(await effects('doomed')).toEqual([]);
    expect(await replies('doomed')).toEqual([]);
  });

  it('dead-letters a PermanentMessageError at once', async () => {
    await send({ key: 'hopeless', mode: 'permanent' });
    const [dead] = await rabbit.take(`${queue}.dlq`, 1);
    expect(callsFor('hopeless')).toHaveLength(1);
    expect(dead!.properties.headers).toMatchObject({ 'x-death-reason': 'permanent', 'x-last-error': 'this reservation can never succeed', 'x-attempt': '1' });
    expect(await effects('hopeless')).toEqual([]);
  });

  it('dead-letters an unknown routing key and a body that is not JSON without calling a handler', async () => {
    await send({ key: 'nobody' }, 'inventory.unknown');
    const garbageId = uuidv7();
    await rabbit.publish(names.commands, 'inventory.reserve', '{not json', { messageId: garbageId, persistent: true });
    const dead = await rabbit.take(`${queue}.dlq`, 2);
    const reasons = Object.fromEntries(dead.map((d) => [d.properties.headers!['x-original-routing-key'], d.properties.headers!['x-death-reason']]));
    expect(reasons).toEqual({ 'inventory.unknown': 'unknown-routing-key', 'inventory.reserve': 'invalid-payload' });
    expect(dead.find((d) => d.properties.messageId === garbageId)!.content.toString()).toBe('{not json');
    expect(callsFor('nobody')).toEqual([]);
  });

  it('routes wildcard @EventPattern handlers', async () => {
    await send({ key: 'wild' }, 'inventory.wild.card');
    await eventually(async () => (await effects('wild')).length === 1, 'the wildcard handler');
    expect(callsFor('wild')[0]!.routingKey).toBe('inventory.wild.card');
  });

  it('acks nothing before the commit: a database connection killed mid-handler means a retry, effect once', async () => {
    await send({ key: 'killed', mode: 'kill-db-connection' });
    await eventually(async () => (await effects('killed')).length === 1, 'the retried effect');
    expect(callsFor('killed').map((c) => c.attempt)).toEqual([1, 2]);
    await sleep(200);
    expect(await effects('killed')).toEqual(['attempt 2']);
    expect(await replies('killed')).toHaveLength(1);
  });

  it('keeps consuming after the broker drops its connection', async () => {
    expect(await forceCloseConnections(`${p}:consumer`)).toBe(1);
    await sleep(300);
    await send({ key: 'after-reconnect' });
    await eventually(async () => (await effects('after-reconnect')).length === 1, 'handling after reconnection', 15_000);
  }, 20_000);

  it('never acks before the commit: a consumer cut off mid-handler gets the message redelivered, effect once', async () => {
    let release!: () => void;
    gates.set('cut-off', new Promise<void>((resolve) => (release = resolve)));
    await send({ key: 'cut-off', mode: 'stall-then-fail-unless-redelivered' });
    await eventually(() => callsFor('cut-off').length === 1, 'the handler to start');
    expect(await forceCloseConnections(`${p}:consumer`)).toBe(1);
    release();
    await eventually(() => callsFor('cut-off').some((c) => c.redelivered && c.finished), 'the redelivery', 15_000);
    await sleep(300);
    expect(await effects('cut-off')).toHaveLength(1);
    expect(await replies('cut-off')).toHaveLength(1);
  }, 20_000);

  it('close() waits for the handler in flight, which commits and acks', async () => {
    await send({ key: 'draining', mode: 'slow' });
    await eventually(() => callsFor('draining').length === 1, 'the slow handler to start');
    await app.close();
    expect(callsFor('draining')[0]!.finished).toBe(true);
    expect(await effects('draining')).toEqual(['attempt 1']);
    expect(await rabbit.messageCount(queue)).toBe(0);
    // Nothing redelivered on restart.
    await startApp();
    await sleep(300);
    expect(callsFor('draining')).toHaveLength(1);
  });
});
