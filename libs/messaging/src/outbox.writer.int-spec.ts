import { RequestContext } from '#libs/observability';
import { validate as isUuid, version as uuidVersion } from 'uuid';
import { createMessagingTestDb, type MessagingTestDb } from '../test/messaging-test-db.js';
import { MessageScope, type MessagingRequestContext } from './message-scope.js';
import { onOutboxCommit } from './outbox-nudges.js';
import { OutboxWriter } from './outbox.writer.js';

describe('OutboxWriter', () => {
  let db: MessagingTestDb;
  let writer: OutboxWriter;
  let nudges = 0;
  let unsubscribe: () => void;

  beforeAll(async () => {
    db = await createMessagingTestDb('writer_spec');
    writer = new OutboxWriter(db.tx, db.schema);
    unsubscribe = onOutboxCommit(db.schema, () => nudges++);
  });
  afterAll(async () => {
    unsubscribe?.();
    await db?.close();
  });
  beforeEach(async () => {
    await db.dataSource.query(`TRUNCATE ${db.schema}.outbox, ${db.schema}.effects`);
    nudges = 0;
  });

  const message = (aggregateId = 'order-1', extra: object = {}) => ({
    exchange: 'oms.events',
    routingKey: 'order.status_changed',
    aggregateId,
    payload: { orderId: aggregateId, seq: '1' },
    ...extra,
  });

  it('joins the ambient transaction: a rollback leaves no row and no nudge', async () => {
    await expect(
      db.tx.run(async (manager) => {
        await manager.query(`INSERT INTO ${db.schema}.effects (key) VALUES ('x')`);
        await writer.append([message()]);
        expect(nudges).toBe(0);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.outbox()).toEqual([]);
    expect(nudges).toBe(0);
  });

  it('commits with the state change, stamps the headers and nudges the relay after the commit', async () => {
    const seenInside: number[] = [];
    const ids = await RequestContext.run({ correlationId: 'corr-123' }, () =>
      db.tx.run(async (manager) => {
        await manager.query(`INSERT INTO ${db.schema}.effects (key) VALUES ('x')`);
        const appended = await writer.append([message('order-1'), message('order-2', { headers: { 'schema-version': '2', foo: 'bar' } })]);
        seenInside.push(nudges);
        return appended;
      }),
    );
    expect(seenInside).toEqual([0]);
    expect(nudges).toBe(1);
    const rows = await db.outbox();
    expect(rows.map((r) => r.message_id)).toEqual(ids);
    expect(ids.every((id) => isUuid(id) && uuidVersion(id) === 7)).toBe(true);
    expect(rows[0]).toMatchObject({
      exchange: 'oms.events',
      routing_key: 'order.status_changed',
      aggregate_id: 'order-1',
      payload: { orderId: 'order-1', seq: '1' },
      published_at: null,
      attempts: 0,
      headers: { 'message-id': ids[0], 'x-correlation-id': 'corr-123', 'schema-version': '1', 'x-aggregate-id': 'order-1' },
    });
    expect(rows[0]!.headers['x-causation-id']).toBeUndefined();
    expect(rows[1]!.headers).toEqual({
      foo: 'bar',
      'message-id': ids[1],
      'x-correlation-id': 'corr-123',
      'schema-version': '2',
      'x-aggregate-id': 'order-2',
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
    });
  });

  it('sends each message in a child span of the current one: same trace id, new span id', async () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await RequestContext.run({ correlationId: 'traced', traceparent: parent }, () => writer.append([message('a'), message('b')]));
    const spans = (await db.outbox()).map((r) => r.headers.traceparent!);
    expect(spans).toEqual([expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/), expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/)]);
    expect(new Set(spans.map((s) => s.split('-')[2])).size).toBe(2);
    expect(spans.map((s) => s.split('-')[2])).not.toContain('00f067aa0ba902b7');
  });

  it('outside any context: its own transaction and one new correlation id for the whole call', async () => {
    await writer.append([message('a'), message('b')]);
    const rows = await db.outbox();
    expect(rows).toHaveLength(2);
    expect(rows[0]!.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows[1]!.headers['x-correlation-id']).toBe(rows[0]!.headers['x-correlation-id']);
    expect(nudges).toBe(1);
  });

  it('stamps x-causation-id from the request context, or from the message being handled', async () => {
    const context: MessagingRequestContext = { correlationId: 'c1', causationId: 'cause-1' };
    await RequestContext.run(context, () => writer.append([message('a')]));
    // An interceptor replaced the request context: the message scope still knows the cause.
    await MessageScope.run({ consumer: 'x', messageId: 'cause-2', correlationId: 'c2' }, () =>
      RequestContext.run({ correlationId: 'c2' }, () => writer.append([message('b')])),
    );
    const rows = await db.outbox();
    expect(rows.map((r) => [r.headers['x-causation-id'], r.headers['x-correlation-id']])).toEqual([
      ['cause-1', 'c1'],
      ['cause-2', 'c2'],
    ]);
  });

  it('keeps a given message id, rejects bad input before writing anything', async () => {
    const id = '0190a5a4-5b1c-7d2e-8f00-000000000001';
    expect(await writer.append([message('a', { messageId: id })])).toEqual([id]);
    await expect(writer.append([message('a', { messageId: id })])).rejects.toThrow(/duplicate key/);
    await expect(writer.append([message('a', { messageId: 'nope' })])).rejects.toThrow(/UUID/);
    await expect(writer.append([message('')])).rejects.toThrow(/aggregateId/);
    await expect(writer.append([message('a', { payload: undefined })])).rejects.toThrow(/JSON payload/);
    expect(await db.outbox()).toHaveLength(1);
    expect(await writer.append([])).toEqual([]);
  });

  it('writes large batches in several statements', async () => {
    await writer.append(Array.from({ length: 2500 }, (_, i) => message(`agg-${i % 7}`)));
    const [{ count }] = await db.dataSource.query(`SELECT count(*)::int AS count FROM ${db.schema}.outbox`);
    expect(count).toBe(2500);
  });
});
