import { OrderServiceHarness } from './support/order-service.harness.js';

/**
 * W3C trace context end to end: the trace a client starts follows its order through every
 * message of the saga (order-service's command and events, inventory-service's reply), each
 * message a span of its own; a request without one starts a trace of its own.
 */
let h: OrderServiceHarness;
let token: string;

beforeAll(async () => {
  h = await OrderServiceHarness.start();
  token = await h.token('tracer');
}, 60_000);

afterAll(() => h?.stop());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

async function create(headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${h.running.httpUrl}/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ items: [{ sku: 'P001', qty: 1 }] }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { order: { id: string } }).order.id;
}

/** traceparent headers of every message about the order, in both services' outboxes. */
async function spans(orderId: string): Promise<{ schema: string; routingKey: string; traceparent: string }[]> {
  const { rows } = await h.sql.query(
    `SELECT 'order_service' AS schema, routing_key, headers->>'traceparent' AS traceparent, id FROM order_service.outbox WHERE aggregate_id = $1
     UNION ALL
     SELECT 'inventory_service', routing_key, headers->>'traceparent', id FROM inventory_service.outbox WHERE aggregate_id = $1
     ORDER BY 1, 4`,
    [orderId],
  );
  return rows.map((r) => ({ schema: r.schema, routingKey: r.routing_key, traceparent: r.traceparent }));
}

it('carries the caller’s trace through the command, the reply and the events, one span per message', async () => {
  const id = await create({ traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` });
  await h.reserved(id);
  const messages = await spans(id);
  expect(messages.map((m) => `${m.schema} ${m.routingKey}`)).toEqual(
    expect.arrayContaining(['order_service inventory.reserve', 'order_service order.status_changed', 'inventory_service inventory.reserve.result']),
  );
  for (const m of messages) expect({ ...m, traceparent: m.traceparent.slice(0, 35) }).toEqual({ ...m, traceparent: `00-${TRACE_ID}` });
  const spanIds = messages.map((m) => m.traceparent.split('-')[2]);
  expect(new Set(spanIds).size).toBe(spanIds.length);
  expect(spanIds).not.toContain('00f067aa0ba902b7');
});

it('starts a new trace for a request without one (or with a malformed one), shared by its messages', async () => {
  for (const headers of [{}, { traceparent: 'not-a-trace' }] as Record<string, string>[]) {
    const id = await create(headers);
    await h.reserved(id);
    const traceIds = new Set((await spans(id)).map((m) => m.traceparent.split('-')[1]));
    expect(traceIds.size).toBe(1);
    expect([...traceIds][0]).toMatch(/^[0-9a-f]{32}$/);
    expect([...traceIds][0]).not.toBe(TRACE_ID);
  }
});
