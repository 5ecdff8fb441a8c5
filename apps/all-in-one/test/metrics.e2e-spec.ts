import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { OrderServiceHarness } from './support/order-service.harness.js';

/** `/metrics` as Prometheus scrapes it: valid text format, and the numbers move when orders flow. */
let h: OrderServiceHarness;
let token: string;

beforeAll(async () => {
  h = await OrderServiceHarness.start();
  token = await h.token('metered');
}, 60_000);

afterAll(() => h?.stop());

async function scrape(): Promise<string> {
  const res = await fetch(`${h.running.httpUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  expect(() => parsePrometheusTextFormat(text)).not.toThrow();
  return text;
}

/** The value of the sample line `name{labels}` (labels in the order prom-client writes them), 0 if absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).split('} ')[0]!;
    if (wanted.every((l) => labelText.includes(l))) return Number(line.split(' ').at(-1));
  }
  return 0;
}

it('needs no token, parses as Prometheus text, and moves when an order is created, reserved, paid and confirmed', async () => {
  const before = await scrape();
  const created = await h.rest.call('CreateOrder', { items: [{ sku: 'P001', qty: 1 }] }, { token });
  if (!created.ok) throw new Error(`create failed: ${created.status}`);
  const id = (created.body as { order: { id: string } }).order.id;
  expect((await h.grpc.call('GetOrder', { id }, { token })).ok).toBe(true);
  await h.confirmed(id, token);
  // Steps are reported after their commit: give the last one a moment.
  await new Promise((r) => setTimeout(r, 200));
  const after = await scrape();

  const grew = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
  expect(grew('http_server_requests_total', { method: 'POST', route: '/v1/orders', code: '200' })).toBe(1);
  expect(grew('http_server_request_duration_seconds_count', { route: '/v1/orders/:id' })).toBeGreaterThanOrEqual(0);
  expect(grew('grpc_server_handled_total', { grpc_service: 'oms.v1.OrderService', grpc_method: 'GetOrder', grpc_code: 'OK' })).toBe(1);
  expect(grew('oms_saga_step_duration_seconds_count', { step: 'RESERVING', outcome: 'reservation:RESERVED' })).toBe(1);
  expect(grew('oms_saga_step_duration_seconds_count', { step: 'CAPTURING', outcome: 'payment:capture:CAPTURED' })).toBe(1);
  expect(grew('oms_saga_step_duration_seconds_count', { step: 'COMMITTING', outcome: 'reservation:COMMITTED' })).toBe(1);
  expect(grew('oms_payment_gateway_latency_seconds_count', { operation: 'capture', outcome: 'succeeded' })).toBe(1);
  expect(grew('oms_messages_consumed_total', { consumer: 'inventory-service', outcome: 'handled' })).toBeGreaterThanOrEqual(2);
  // Counted at most every 10 s (one GROUP BY per scrape interval); every status has its series.
  for (const status of ['PENDING', 'RESERVED', 'PAID', 'CONFIRMED', 'CANCELED', 'REFUNDED']) expect(after).toMatch(new RegExp(`^oms_orders\\{status="${status}"\\} \\d+$`, 'm'));
  expect(after).toMatch(/^oms_outbox_backlog\{schema="order_service"\} \d+$/m);
  expect(after).toMatch(/^oms_outbox_oldest_unpublished_age_seconds\{schema="inventory_service"\} [\d.]+$/m);
  expect(after).toMatch(/^process_cpu_seconds_total /m);
});

it('labels unknown paths as UNMATCHED, never by the raw path', async () => {
  await fetch(`${h.running.httpUrl}/no/such/path/${'x'.repeat(20)}`);
  const text = await scrape();
  expect(sample(text, 'http_server_requests_total', { route: 'UNMATCHED', code: '404' })).toBeGreaterThanOrEqual(1);
  expect(text).not.toContain('/no/such/path');
});
