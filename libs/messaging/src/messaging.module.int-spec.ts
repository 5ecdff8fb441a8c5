import { Controller, Inject, Injectable, Module, type DynamicModule, type INestApplication, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createDataSource, DatabaseModule, TransactionRunner } from '#libs/database';
import { processMetrics } from '#libs/metrics';
import { RequestContext } from '#libs/observability';
import { createTestDatabase, type TestDatabase } from '#libs/testing';
import { AMQP_URL, RabbitTestBroker, uniquePrefix } from '../test/rabbit-test-broker.js';
import { topologyQueueNames } from './amqp.topology.js';
import { InProcessBroker } from './in-process.broker.js';
import { MessageContext } from './message.context.js';
import { deferredDeliveriesDdl, outboxAndInboxDdl } from './messaging.ddl.js';
import { connectMessagingTransports, MessagingModule, type MessagingModuleOptions } from './messaging.module.js';
import { messagingTransportId } from './messaging.server.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxWriter } from './outbox.writer.js';

interface Seen {
  readonly service: string;
  readonly routingKey: string;
  readonly job: string;
  readonly attempt: number;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly lastError?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const SEEN = Symbol('seen');
const NAMES = Symbol('names');
interface Names {
  readonly commands: string;
  readonly replies: string;
}

/** Service B: does the work asked on `commands`, answers on `replies` (fails a job's first attempt if told). */
@Controller()
class WorkerController {
  constructor(
    @Inject(SEEN) private readonly seen: Seen[],
    @Inject(NAMES) private readonly names: Names,
    private readonly tx: TransactionRunner,
    private readonly writer: OutboxWriter,
  ) {}

  @EventPattern<string>('work.do', messagingTransportId('svc-b'))
  async work(@Payload() job: { id: string; failFirst?: boolean }, @Ctx() ctx: MessageContext): Promise<void> {
    this.seen.push({ service: 'b', routingKey: ctx.routingKey, job: job.id, attempt: ctx.attempt, correlationId: ctx.correlationId, causationId: ctx.headers['x-causation-id'], lastError: ctx.headers['x-last-error'] });
    await this.tx.manager().query('INSERT INTO svc_b.effects (key) VALUES ($1)', [job.id]);
    await this.writer.append([{ exchange: this.names.replies, routingKey: 'work.done', aggregateId: job.id, payload: { id: job.id } }]);
    if (job.failFirst && ctx.attempt === 1) throw new Error(`worker hiccup on ${job.id}`);
  }
}

/** Service A: records the replies. */
@Controller()
class ClientController {
  constructor(
    @Inject(SEEN) private readonly seen: Seen[],
    private readonly tx: TransactionRunner,
  ) {}

  @EventPattern<string>('work.done', messagingTransportId('svc-a'))
  async done(@Payload() reply: { id: string }, @Ctx() ctx: MessageContext): Promise<void> {
    this.seen.push({ service: 'a', routingKey: ctx.routingKey, job: reply.id, attempt: ctx.attempt, correlationId: ctx.correlationId, causationId: ctx.headers['x-causation-id'] });
    await this.tx.manager().query('INSERT INTO svc_a.effects (key) VALUES ($1)', [reply.id]);
  }
}

/** Sends work from service A, through A's outbox. */
@Injectable()
class WorkSender implements OnModuleInit {
  static inits = 0;

  onModuleInit(): void {
    WorkSender.inits++;
  }

  constructor(
    private readonly tx: TransactionRunner,
    private readonly writer: OutboxWriter,
    @Inject(NAMES) private readonly names: Names,
  ) {}

  send(jobs: { id: string; failFirst?: boolean }[]): Promise<string[]> {
    return this.tx.run(() => this.writer.append(jobs.map((job) => ({ exchange: this.names.commands, routingKey: 'work.do', aggregateId: job.id, payload: job }))));
  }
}

function serviceModule(
  name: 'a' | 'b',
  url: string,
  shared: { seen: Seen[]; names: Names },
  messaging: Omit<MessagingModuleOptions, 'imports' | 'schema' | 'consumer'>,
): DynamicModule {
  @Module({})
  class ServiceModule {}
  Object.defineProperty(ServiceModule, 'name', { value: `Service${name.toUpperCase()}Module` });
  const persistence = DatabaseModule.forRoot({ url, schema: `svc_${name}`, entities: [], migrations: [], poolSize: 4 });
  return {
    module: ServiceModule,
    imports: [persistence, MessagingModule.forRoot({ ...messaging, consumer: `svc-${name}`, schema: `svc_${name}`, imports: [persistence] })],
    controllers: [name === 'a' ? ClientController : WorkerController],
    providers: [{ provide: SEEN, useValue: shared.seen }, { provide: NAMES, useValue: shared.names }, ...(name === 'a' ? [WorkSender] : [])],
    exports: name === 'a' ? [WorkSender] : [],
  };
}

describe.each(['in-process', 'amqp'] as const)('MessagingModule (%s): two services in one app', (mode) => {
  const p = uniquePrefix(`module-${mode}`);
  const names: Names = { commands: mode === 'amqp' ? `${p}.commands` : 'oms.commands', replies: mode === 'amqp' ? `${p}.replies` : 'oms.replies' };
  const queues = { a: `${p}.svc-a.replies`, b: `${p}.svc-b.commands` };
  const seen: Seen[] = [];
  let db: TestDatabase;
  let app: INestApplication;
  let rabbit: RabbitTestBroker | undefined;
  const broker = new InProcessBroker();
  /** What Nest itself logs at error level (its own loggers, e.g. RpcExceptionsHandler). */
  const nestErrorLog: string[] = [];
  const quiet = (): void => undefined;
  const nestErrors = { log: quiet, warn: quiet, debug: quiet, verbose: quiet, error: (message: unknown, ...rest: unknown[]) => void nestErrorLog.push(`${String(rest.at(-1))}: ${String(message)}`) };

  beforeAll(async () => {
    db = await createTestDatabase();
    const setup = await createDataSource({ url: db.url, schema: 'public', entities: [], migrations: [] }).initialize();
    for (const schema of ['svc_a', 'svc_b']) {
      await setup.query(`CREATE SCHEMA ${schema}`);
      for (const sql of [...outboxAndInboxDdl(schema), ...deferredDeliveriesDdl(schema)]) await setup.query(sql);
      await setup.query(`CREATE TABLE ${schema}.effects (id bigserial PRIMARY KEY, key text NOT NULL, note text)`);
    }
    await setup.destroy();
    if (mode === 'amqp') {
      rabbit = await RabbitTestBroker.open();
      rabbit.track('exchange', names.commands, names.replies, `${p}.events`, `${p}.retry`, `${p}.dlx`);
      rabbit.track('queue', ...topologyQueueNames([{ name: queues.a, bindings: [] }, { name: queues.b, bindings: [] }], [50, 100]));
    }
    const common = {
      mode,
      url: mode === 'amqp' ? AMQP_URL : undefined,
      broker,
      retryDelaysMs: [50, 100],
      exchanges: [names.commands, names.replies, `${p}.events`],
      retryExchange: `${p}.retry`,
      deadLetterExchange: `${p}.dlx`,
      relay: { idleMs: 50 },
    };
    @Module({
      imports: [
        serviceModule('a', db.url, { seen, names }, { ...common, queues: [{ name: queues.a, bindings: [{ exchange: names.replies, pattern: 'work.#' }] }] }),
        serviceModule('b', db.url, { seen, names }, { ...common, queues: [{ name: queues.b, bindings: [{ exchange: names.commands, pattern: 'work.*' }] }] }),
      ],
    })
    class AllInOneModule {}
    app = await NestFactory.create(AllInOneModule, new FastifyAdapter(), { logger: nestErrors });
    expect(connectMessagingTransports(app)).toHaveLength(2);
    await app.startAllMicroservices();
    await app.init();
    // The messaging microservices must not run the modules' init hooks a second time.
    expect(WorkSender.inits).toBe(mode === 'in-process' ? 1 : 2);
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await rabbit?.close();
    await db?.drop();
  });

  it('round-trips through both outboxes, relays and transports, carrying correlation and causation', async () => {
    const ids = await RequestContext.run({ correlationId: `flow-${mode}` }, () =>
      app.get(WorkSender).send([{ id: 'job-1' }, { id: 'job-2', failFirst: true }]),
    );
    await eventually(() => seen.filter((s) => s.service === 'a').length === 2, 'both replies');
    const worker = seen.filter((s) => s.service === 'b');
    expect(worker.map((s) => [s.job, s.attempt]).sort()).toEqual([
      ['job-1', 1],
      ['job-2', 1],
      ['job-2', 2],
    ]);
    expect(worker.every((s) => s.correlationId === `flow-${mode}` && s.routingKey === 'work.do')).toBe(true);
    // The interceptor installed by connectMessagingTransports kept the handler's own error text.
    expect(worker.find((s) => s.attempt === 2)!.lastError).toBe('worker hiccup on job-2');
    // A failure retried is the delivery pipeline's to log (at warn), not Nest's at error level.
    expect(nestErrorLog).toEqual([]);
    const replies = seen.filter((s) => s.service === 'a');
    expect(replies.every((s) => s.correlationId === `flow-${mode}`)).toBe(true);
    // Each reply was caused by its command.
    expect(Object.fromEntries(replies.map((s) => [s.job, s.causationId]))).toEqual({ 'job-1': ids[0], 'job-2': ids[1] });
    // Metrics: the retry was counted, and the outbox backlog is read at scrape time.
    const consumed = await processMetrics().messagesConsumed.get();
    const count = (outcome: string) => consumed.values.find((v) => v.labels.consumer === 'svc-b' && v.labels.queue === queues.b && v.labels.outcome === outcome)?.value;
    expect(count('retry')).toBe(1);
    expect(count('handled')).toBe(2);
    expect(await processMetrics().scrape()).toMatch(/^oms_outbox_backlog\{schema="svc_a"\} \d+$/m);
  });

  it('closes cleanly: consumers drained, relays stopped, later deliveries refused', async () => {
    const relays = app.get(OutboxRelay, { each: true });
    expect(relays).toHaveLength(2);
    // A handler is recorded as it starts; its relay marks the row once it committed.
    await eventually(async () => (await Promise.all(relays.map((r) => r.stats()))).every((s) => s.pending === 0 && s.parked === 0), 'empty outboxes');
    await app.close();
    if (mode === 'in-process') {
      const [refused] = await broker.publish({ messageId: 'late', exchange: names.commands, routingKey: 'work.do', payload: {}, headers: {} }).then((r) => [r]);
      expect(refused).toMatchObject({ ok: false, reason: expect.stringMatching(/no consumer/) });
    }
    app = undefined as unknown as INestApplication;
  });
});
