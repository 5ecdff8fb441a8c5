import { RequestContext } from '#libs/observability';
import { createMessagingTestDb, type MessagingTestDb } from '../test/messaging-test-db.js';
import { AMQP_URL, RabbitTestBroker, uniquePrefix } from '../test/rabbit-test-broker.js';
import { RecordingLogger } from '../test/recording-logger.js';
import { AmqpPublisher } from './amqp.publisher.js';
import { MessagePublisher, publishFailed, type PublishedMessage, type PublishResult } from './message.publisher.js';
import { OutboxRelay, relayStatements, type OutboxRelayOptions } from './outbox.relay.js';
import { OutboxWriter, type OutgoingMessage } from './outbox.writer.js';

/** Fails a deterministic pseudo-random share of messages without sending them. */
class FlakyPublisher extends MessagePublisher {
  failures = 0;
  private seed = 42;
  constructor(
    private readonly inner: MessagePublisher,
    private readonly failureRate: number,
    private readonly delayMs = 0,
  ) {
    super();
  }
  async publish(batch: readonly PublishedMessage[]): Promise<PublishResult[]> {
    // A slower broker widens the windows in which two relays contend for one aggregate.
    if (this.delayMs) await sleep(this.delayMs);
    const fail = batch.map(() => this.random() < this.failureRate);
    const sent = await this.inner.publish(batch.filter((_, i) => !fail[i]));
    let next = 0;
    return batch.map((m, i) => {
      if (!fail[i]) return sent[next++]!;
      this.failures++;
      return publishFailed(m, 'injected failure');
    });
  }
  private random(): number {
    // mulberry32
    let t = (this.seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** Records what it is asked to publish; optionally slow, optionally failing everything. */
class FakePublisher extends MessagePublisher {
  readonly published: PublishedMessage[] = [];
  delayMs = 0;
  failWith?: string;
  async publish(batch: readonly PublishedMessage[]): Promise<PublishResult[]> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith) return batch.map((m) => publishFailed(m, this.failWith!));
    this.published.push(...batch);
    return batch.map((m) => ({ messageId: m.messageId, ok: true as const }));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A node of `EXPLAIN (FORMAT JSON)`. */
interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Total Cost': number;
  readonly Plans?: PlanNode[];
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('OutboxRelay', () => {
  const prefix = uniquePrefix('relay');
  const exchange = `${prefix}.events`;
  const queue = `${prefix}.q`;
  let db: MessagingTestDb;
  let writer: OutboxWriter;
  let rabbit: RabbitTestBroker;
  let amqp: AmqpPublisher;
  const relays: OutboxRelay[] = [];
  const logger = new RecordingLogger();

  const relay = (options: Partial<OutboxRelayOptions> & Pick<OutboxRelayOptions, 'publisher'>) => {
    const created = new OutboxRelay({ dataSource: db.dataSource, schema: db.schema, logger, idleMs: 20, backoffBaseMs: 50, ...options });
    relays.push(created);
    return created;
  };
  const msg = (aggregateId: string, seq: number, routingKey = 'order.status_changed'): OutgoingMessage => ({
    exchange,
    routingKey,
    aggregateId,
    payload: { orderId: aggregateId, seq },
  });
  const unpublished = async () =>
    (await db.dataSource.query(`SELECT count(*)::int AS n FROM ${db.schema}.outbox WHERE published_at IS NULL`))[0].n as number;

  beforeAll(async () => {
    db = await createMessagingTestDb('relay_spec', 12);
    writer = new OutboxWriter(db.tx, db.schema);
    rabbit = await RabbitTestBroker.open();
    await rabbit.exchange(exchange);
    await rabbit.queue(queue, [{ exchange, pattern: 'order.*' }]);
    amqp = new AmqpPublisher({ url: AMQP_URL, connectionName: `${prefix}:publisher`, logger });
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await db.dataSource.query(`TRUNCATE ${db.schema}.outbox`);
    await rabbit.channel.purgeQueue(queue);
  });

  afterAll(async () => {
    await amqp?.close();
    await rabbit?.close();
    await db?.close();
  });

  it('publishes a committed message to RabbitMQ with every property and header, then marks it', async () => {
    const [id] = await RequestContext.run({ correlationId: 'corr-relay-1' }, () => db.tx.run(() => writer.append([msg('order-1', 1)])));
    expect(await relay({ publisher: amqp }).runOnce()).toBe(1);
    const [delivered] = await rabbit.take(queue, 1);
    expect(JSON.parse(delivered!.content.toString())).toEqual({ orderId: 'order-1', seq: 1 });
    expect(delivered!.properties).toMatchObject({
      messageId: id,
      correlationId: 'corr-relay-1',
      type: 'order.status_changed',
      contentType: 'application/json',
      deliveryMode: 2,
      headers: { 'message-id': id, 'x-correlation-id': 'corr-relay-1', 'schema-version': '1', 'x-aggregate-id': 'order-1' },
    });
    expect(Math.abs(delivered!.properties.timestamp * 1000 - Date.now())).toBeLessThan(60_000);
    const [row] = await db.outbox();
    expect(row!.published_at).toBeInstanceOf(Date);
    expect(await relay({ publisher: amqp }).runOnce()).toBe(0);
  });

  it('a rolled-back append never reaches the broker', async () => {
    await expect(
      db.tx.run(async () => {
        await writer.append([msg('order-2', 1)]);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await relay({ publisher: amqp }).runOnce()).toBe(0);
    expect(await rabbit.messageCount(queue)).toBe(0);
  });

  it('marks an unroutable message failed, retries it with backoff, holds back its aggregate only', async () => {
    await writer.append([msg('A', 1, 'audit.recorded'), msg('A', 2)]);
    await writer.append([msg('B', 1)]);
    const r = relay({ publisher: amqp, backoffBaseMs: 300 });
    expect(await r.runOnce()).toBe(1);
    let rows = await db.outbox();
    expect(rows.map((x) => [x.aggregate_id, x.published_at !== null, x.attempts])).toEqual([
      ['A', false, 1],
      ['A', false, 0],
      ['B', true, 0],
    ]);
    expect(rows[0]!.last_error).toMatch(/^unroutable/);
    expect(rows[0]!.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
    expect(await r.runOnce()).toBe(0); // not due yet, and A's second row waits behind it
    await sleep(350);
    expect(await r.runOnce()).toBe(0);
    rows = await db.outbox();
    expect(rows[0]!.attempts).toBe(2);
    expect(rows[0]!.published_at).toBeNull();

    // Once something is bound, the retry succeeds and A's rows go out in order.
    await rabbit.channel.bindQueue(queue, exchange, 'audit.*');
    await db.dataSource.query(`UPDATE ${db.schema}.outbox SET next_attempt_at = now()`);
    expect(await r.runOnce()).toBe(2);
    const delivered = await rabbit.take(queue, 3);
    expect(delivered.map((m) => `${m.properties.headers!['x-aggregate-id']}${JSON.parse(m.content.toString()).seq}`)).toEqual(['B1', 'A1', 'A2']);
    expect((await db.outbox()).every((x) => x.published_at && x.last_error === null)).toBe(true);
    await rabbit.channel.unbindQueue(queue, exchange, 'audit.*');
  });

  it('parks a row after maxAttempts, reports it, and retries it on demand', async () => {
    const failing = new FakePublisher();
    failing.failWith = 'broker says no';
    await writer.append([msg('P', 1), msg('P', 2)]);
    const r = relay({ publisher: failing, maxAttempts: 2, backoffBaseMs: 1 });
    await r.runOnce();
    await sleep(5);
    await r.runOnce();
    const [first] = await db.outbox();
    expect(first!.attempts).toBe(2);
    expect(String(first!.next_attempt_at)).toMatch(/^infinity$/i); // node-pg parses it as the number Infinity
    expect(await r.stats()).toEqual({ pending: 1, parked: 1, oldestPendingAgeMs: expect.any(Number) });
    expect(logger.lines('error').some((l) => l.includes('parked'))).toBe(true);
    failing.failWith = undefined;
    expect(await r.runOnce()).toBe(0);
    expect(await r.retryParked()).toBe(1);
    expect(await r.runOnce()).toBe(2);
    expect(failing.published.map((m) => (m.payload as { seq: number }).seq)).toEqual([1, 2]);
    expect(await r.stats()).toEqual({ pending: 0, parked: 0, oldestPendingAgeMs: 0 });
  });

  it('two relays over 500 messages of 50 aggregates, with failures: each published once, in order per aggregate', async () => {
    const publisher = new FlakyPublisher(amqp, 0.15, 3);
    const aggregates = Array.from({ length: 50 }, (_, i) => `agg-${i}`);
    // Each change of an aggregate appends two messages in one transaction, and one aggregate's
    // changes commit one after the other (as its lock would order them); aggregates write
    // concurrently. Three of five rounds are a backlog when the relays start, so batches hold
    // several rows of an aggregate; the rest is written while they run.
    const writeRound = (round: number) =>
      Promise.all(aggregates.map((a) => db.tx.run(() => writer.append([msg(a, 2 * round - 1), msg(a, 2 * round)]))));
    for (let round = 1; round <= 3; round++) await writeRound(round);
    relay({ publisher, batchSize: 40, backoffBaseMs: 10 }).start();
    relay({ publisher, batchSize: 25, backoffBaseMs: 10 }).start();
    for (let round = 4; round <= 5; round++) await writeRound(round);
    await eventually(async () => (await unpublished()) === 0, 60_000, 'every row to be published');
    expect(publisher.failures).toBeGreaterThan(20);

    const delivered = await rabbit.take(queue, 500, 10_000);
    await sleep(200);
    expect(await rabbit.messageCount(queue)).toBe(0);
    const ids = delivered.map((m) => m.properties.messageId as string);
    expect(new Set(ids).size).toBe(500);
    const sequences = new Map<string, number[]>();
    for (const m of delivered) {
      const { orderId, seq } = JSON.parse(m.content.toString()) as { orderId: string; seq: number };
      sequences.set(orderId, [...(sequences.get(orderId) ?? []), seq]);
    }
    expect(sequences.size).toBe(50);
    for (const [, seqs] of sequences) expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }, 90_000);

  it('never publishes past an earlier row of the aggregate that someone else holds', async () => {
    await writer.append([msg('H', 1), msg('H', 2), msg('I', 1)]);
    const fake = new FakePublisher();
    const r = relay({ publisher: fake });
    // Another transaction holds H's first row (as a relay of another version might, or one whose
    // failure is being committed while this relay scans): H's second row must wait.
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`SELECT id FROM ${db.schema}.outbox WHERE aggregate_id = 'H' ORDER BY id LIMIT 1 FOR UPDATE`);
      expect(await r.runOnce()).toBe(1);
      expect(fake.published.map((m) => m.aggregateId)).toEqual(['I']);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect(await r.runOnce()).toBe(2);
    expect(fake.published.map((m) => `${m.aggregateId}${(m.payload as { seq: number }).seq}`)).toEqual(['I1', 'H1', 'H2']);
  });

  it('is woken by a commit instead of waiting for its next poll', async () => {
    const fake = new FakePublisher();
    const r = relay({ publisher: fake, idleMs: 60_000 });
    r.start();
    await sleep(50); // first (empty) poll done, now idle for a minute
    const started = Date.now();
    await writer.append([msg('N', 1)]);
    await eventually(async () => fake.published.length === 1, 2_000, 'the nudged publish');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('after a batch with rows, lets the commits of the next lingerMs gather into one batch', async () => {
    const batches: string[][] = [];
    const fake = new FakePublisher();
    const recording = new (class extends MessagePublisher {
      async publish(batch: readonly PublishedMessage[]): Promise<PublishResult[]> {
        batches.push(batch.map((m) => (m.payload as { seq: number }).seq.toString()));
        return fake.publish(batch);
      }
    })();
    const r = relay({ publisher: recording, idleMs: 60_000, lingerMs: 400 });
    r.start();
    await sleep(50); // first (empty) poll done, now idle
    await writer.append([msg('L', 1)]);
    await eventually(async () => batches.length === 1, 2_000, 'the first publish'); // at once: the relay was idle
    // Three commits, three nudges; three aggregates, as one aggregate's rows go out one per wave.
    for (const seq of [2, 3, 4]) await writer.append([msg(`L${seq}`, seq)]);
    await eventually(async () => fake.published.length === 4, 3_000, 'the lingered publish');
    expect(batches).toEqual([['1'], ['2', '3', '4']]);
  });

  it('stop() lets the batch in progress finish and commit', async () => {
    const slow = new FakePublisher();
    slow.delayMs = 300;
    await writer.append([msg('S', 1), msg('T', 1)]);
    const r = relay({ publisher: slow });
    r.start();
    await sleep(50);
    await r.stop();
    expect(slow.published).toHaveLength(2);
    expect(await unpublished()).toBe(0);
  });

  it('rolls the batch back when the publisher answers for other messages', async () => {
    const liar = new (class extends MessagePublisher {
      async publish(batch: readonly PublishedMessage[]): Promise<PublishResult[]> {
        return batch.map(() => ({ messageId: 'someone-else', ok: true as const }));
      }
    })();
    await writer.append([msg('L', 1)]);
    await expect(relay({ publisher: liar }).runOnce()).rejects.toThrow(/do not match/);
    expect(await unpublished()).toBe(1);
    // The batch's own connection went back to the pool with its transaction ended.
    const [{ open }] = await db.dataSource.query(
      `SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(open).toBe(0);
  });

  it('publishes the oldest batchSize due rows in id order, and the rest in the next batch', async () => {
    for (let i = 1; i <= 4; i++) await writer.append([msg('A', i), msg('B', i)]);
    const fake = new FakePublisher();
    const r = relay({ publisher: fake, batchSize: 3 });
    expect(await r.runOnce()).toBe(3);
    const order = (m: PublishedMessage) => `${m.aggregateId}${(m.payload as { seq: number }).seq}`;
    expect(fake.published.map(order)).toEqual(['A1', 'B1', 'A2']);
    expect(await r.runOnce()).toBe(3);
    expect(await r.runOnce()).toBe(2);
    expect(fake.published.map(order)).toEqual(['A1', 'B1', 'A2', 'B2', 'A3', 'B3', 'A4', 'B4']);
    expect(await unpublished()).toBe(0);
  });

  it("plans its batch statements without sorts or sequential scans, under the relay's enable_sort = off", async () => {
    // A backlog behind a long published history, analysed: the shape of a busy service's outbox.
    await db.dataSource.query(
      `INSERT INTO ${db.schema}.outbox (message_id, exchange, routing_key, aggregate_id, payload, headers, published_at)
       SELECT gen_random_uuid(), 'oms.events', 'x', 'agg-' || (g % 500), '{}', '{}', CASE WHEN g <= 30000 THEN now() END
         FROM generate_series(1, 33000) AS g`,
    );
    await db.dataSource.query(`ANALYZE ${db.schema}.outbox`);
    const ids = (await db.dataSource.query(`SELECT id FROM ${db.schema}.outbox WHERE published_at IS NULL ORDER BY id LIMIT 100`)).map(
      (r: { id: string }) => r.id,
    );
    const sql = relayStatements(db.schema);
    const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];
    const shapes = await db.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_sort = off');
      const explain = async (text: string, params: unknown[]) =>
        nodes(((await manager.query(`EXPLAIN (FORMAT JSON) ${text}`, params)) as [{ 'QUERY PLAN': [{ Plan: PlanNode }] }])[0]['QUERY PLAN'][0].Plan);
      return {
        lockCandidates: await explain(sql.lockCandidates, [200, `${db.schema}.outbox`]),
        lockRows: await explain(sql.lockRows, [ids]),
      };
    });
    for (const [statement, plan] of Object.entries(shapes)) {
      // A sequential scan reads the whole published history; a sort is priced at 1e10 under
      // enable_sort = off, which would also make PostgreSQL JIT-compile the statement if the relay
      // did not turn JIT off (whether a sort is chosen depends on the statistics: this guards the
      // statements' shape; `jit = off` guards against the cost).
      expect({ statement, sorts: plan.filter((n) => n['Node Type'] === 'Sort').length, seqScans: plan.filter((n) => n['Node Type'] === 'Seq Scan').length })
        .toEqual({ statement, sorts: 0, seqScans: 0 });
      expect(plan[0]!['Total Cost']).toBeLessThan(100_000);
    }
  });

  it('purges only rows published before the cutoff', async () => {
    await writer.append([msg('X', 1), msg('X', 2), msg('Y', 1)]);
    const fake = new FakePublisher();
    await relay({ publisher: fake }).runOnce();
    await db.dataSource.query(`UPDATE ${db.schema}.outbox SET published_at = now() - interval '2 days' WHERE aggregate_id = 'X'`);
    await writer.append([msg('Z', 1)]);
    const r = relay({ publisher: fake });
    expect(await r.purgePublished(new Date(Date.now() - 86_400_000), 1)).toBe(2);
    expect((await db.outbox()).map((x) => x.aggregate_id)).toEqual(['Y', 'Z']);
  });
});
