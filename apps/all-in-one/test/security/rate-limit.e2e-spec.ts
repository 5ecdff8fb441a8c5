import { expectAip193, SecurityApp } from './support.js';

/**
 * Per-caller rate limit (OMS_RATE_LIMIT_PER_MINUTE, here 5): keyed by the JWT `sub`, one budget
 * across both ports; over it REST answers 429 AIP-193 RESOURCE_EXHAUSTED with Retry-After, gRPC
 * RESOURCE_EXHAUSTED with ErrorInfo reason RATE_LIMITED. Probes and the OpenAPI document are
 * exempt, and so are the system's own services (role `service`).
 */
const LIMIT = 5;
let app: SecurityApp;

beforeAll(async () => {
  app = await SecurityApp.start({ env: { OMS_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

it('REST: the sixth call of a minute is 429 RESOURCE_EXHAUSTED RATE_LIMITED with Retry-After; gRPC shares the budget', async () => {
  const alice = await app.token('alice');
  for (let i = 0; i < LIMIT; i++) {
    const ok = await app.rest('GET', '/v1/orders', { token: alice });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 1 - i));
  }
  const refused = await app.rest('GET', '/v1/orders', { token: alice });
  expectAip193(refused, 429, 'RESOURCE_EXHAUSTED');
  expect(refused.json.error.details).toEqual([
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'RATE_LIMITED',
      domain: 'oms.v1',
      metadata: { limit: String(LIMIT), retryAfterSeconds: expect.stringMatching(/^\d+$/) },
    },
  ]);
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  // Helmet headers are on this answer too.
  expect(refused.headers.get('x-content-type-options')).toBe('nosniff');

  const grpc = await app.grpc('OrderService', 'ListOrders', {}, { token: alice });
  expect(grpc).toMatchObject({ status: 'RESOURCE_EXHAUSTED', reason: 'RATE_LIMITED' });
  expect(grpc.errorInfo?.metadata.limit).toBe(String(LIMIT));
  // A mutation is refused before it does anything.
  expect((await app.rest('POST', '/v1/orders', { token: alice, body: { items: [{ sku: 'P001', qty: 1 }] } })).status).toBe(429);
  const { rows } = await app.sql.query(`SELECT count(*)::int AS n FROM order_service.orders WHERE customer_id = 'alice'`);
  expect(rows[0].n).toBe(0);
});

it('gRPC: the budget runs out the same way and REST then refuses too', async () => {
  const carol = await app.token('carol');
  for (let i = 0; i < LIMIT; i++) expect((await app.grpc('OrderService', 'ListOrders', {}, { token: carol })).status).toBe('OK');
  const refused = await app.grpc('OrderService', 'GetOrder', { id: 'whatever' }, { token: carol });
  expect(refused).toMatchObject({ status: 'RESOURCE_EXHAUSTED', reason: 'RATE_LIMITED' });
  expect(refused.message).toMatch(/rate limit/);
  expect((await app.rest('GET', '/v1/orders', { token: carol })).status).toBe(429);
});

it('is per customer, not per address: bob is served while alice and carol are limited, from the same client', async () => {
  const bob = await app.token('bob');
  expect((await app.rest('GET', '/v1/orders', { token: bob })).status).toBe(200);
  expect((await app.grpc('OrderService', 'ListOrders', {}, { token: bob })).status).toBe('OK');
});

it('probes, the OpenAPI document and unauthenticated refusals are not counted or limited', async () => {
  for (let i = 0; i < 3 * LIMIT; i++) {
    expect((await app.rest('GET', '/health/live')).status).toBe(200);
    expect((await app.rest('GET', '/health/ready')).status).toBe(200);
    expect((await app.rest('GET', '/v1/openapi.json')).status).toBe(200);
    expect((await app.rest('GET', '/v1/orders')).status).toBe(401);
  }
});

it('the system’s own services (role service) are not limited', async () => {
  const service = await app.token('order-service', ['service']);
  for (let i = 0; i < 3 * LIMIT; i++) {
    expect((await app.grpc('PaymentService', 'GetPayment', { orderId: `order-${i}` }, { token: service })).status).toBe('NOT_FOUND');
  }
});
