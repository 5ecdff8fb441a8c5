import { expectAip193, INTERNALS, SecurityApp, type RestAnswer } from './support.js';

/**
 * Edge hardening (CONTRACT section 4 and 7): security headers on every HTTP response, bounded
 * request sizes on both ports (413 / RESOURCE_EXHAUSTED, never 500), and no stack trace, SQL or
 * internal path in any error a client receives, even when the server itself fails.
 */
const BODY_LIMIT = 4096;
const GRPC_LIMIT = 8192;
let app: SecurityApp;
let alice: string;
let orderId: string;

beforeAll(async () => {
  app = await SecurityApp.start({ env: { OMS_HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT), OMS_GRPC_MAX_MESSAGE_BYTES: String(GRPC_LIMIT) } });
  alice = await app.token('alice');
  orderId = await app.reservedOrder(alice);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

function expectSecurityHeaders(answer: RestAnswer): void {
  const h = answer.headers;
  expect({
    csp: h.get('content-security-policy'),
    nosniff: h.get('x-content-type-options'),
    frame: h.get('x-frame-options'),
    hsts: h.get('strict-transport-security'),
    referrer: h.get('referrer-policy'),
    corp: h.get('cross-origin-resource-policy'),
    poweredBy: h.get('x-powered-by'),
  }).toEqual({
    csp: "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    nosniff: 'nosniff',
    frame: 'DENY',
    hsts: expect.stringMatching(/^max-age=\d+/),
    referrer: 'no-referrer',
    corp: 'same-origin',
    poweredBy: null,
  });
}

describe('security headers (helmet) on every HTTP response', () => {
  it.each([
    ['a probe', 'GET', '/health/live', {}, 200],
    ['the OpenAPI document', 'GET', '/v1/openapi.json', {}, 200],
    ['an authenticated read', 'GET', '/v1/orders', { auth: true }, 200],
    ['an unauthenticated call', 'GET', '/v1/orders', {}, 401],
    ['an unknown route', 'GET', '/nope', {}, 404],
    ['a validation error', 'POST', '/v1/orders', { auth: true, body: { items: [] } }, 400],
    ['malformed JSON', 'POST', '/v1/orders', { auth: true, rawBody: '{"items": [' }, 400],
    ['a body over the limit', 'POST', '/v1/orders', { auth: true, rawBody: JSON.stringify({ items: [], pad: 'x'.repeat(BODY_LIMIT) }) }, 413],
    ['a gateway callback without signature', 'POST', '/internal/gateway/callbacks', { rawBody: '{}' }, 401],
  ] as const)('%s', async (_what, method, path, options, status) => {
    const opts = options as { auth?: boolean; body?: unknown; rawBody?: string };
    const answer = await app.rest(method, path, { token: opts.auth ? alice : undefined, body: opts.body, rawBody: opts.rawBody });
    expect(answer.status).toBe(status);
    expectSecurityHeaders(answer);
  });
});

describe('request size limits', () => {
  it(`REST: a body over OMS_HTTP_BODY_LIMIT_BYTES (${BODY_LIMIT}) is 413 AIP-193 RESOURCE_EXHAUSTED PAYLOAD_TOO_LARGE`, async () => {
    const answer = await app.rest('POST', '/v1/orders', { token: alice, rawBody: JSON.stringify({ items: [{ sku: 'P001', qty: 1 }], pad: 'x'.repeat(BODY_LIMIT) }) });
    expectAip193(answer, 413, 'RESOURCE_EXHAUSTED');
    expect(answer.json.error.details[0]).toMatchObject({ reason: 'PAYLOAD_TOO_LARGE' });
    // Also when the client does not announce the length (chunked).
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        controller.close();
      },
    });
    const chunked = await fetch(`${app.running.httpUrl}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
      signal: AbortSignal.timeout(10_000),
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { error: { status: string } }).error.status).toBe('RESOURCE_EXHAUSTED');
  });

  it('REST: a body under the limit is served', async () => {
    const answer = await app.rest('POST', '/v1/orders', { token: alice, rawBody: JSON.stringify({ items: [{ sku: 'P001', qty: 1 }], note: 'x'.repeat(BODY_LIMIT / 2) }) });
    expect(answer.status).toBe(200);
  });

  it(`gRPC: a message over OMS_GRPC_MAX_MESSAGE_BYTES (${GRPC_LIMIT}) is RESOURCE_EXHAUSTED, on every service`, async () => {
    const big = Buffer.concat([Buffer.from([0x0a, 0xa0, 0x40]), Buffer.alloc(0x2020, 0x41)]); // field 1, 8224 bytes
    for (const path of ['/oms.v1.OrderService/GetOrder', '/oms.v1.InventoryService/GetProduct', '/oms.v1.PaymentService/GetPayment']) {
      expect({ path, status: (await app.grpcRaw(path, big, { token: alice })).status }).toEqual({ path, status: 'RESOURCE_EXHAUSTED' });
    }
    const small = await app.grpc('OrderService', 'GetOrder', { id: orderId }, { token: alice });
    expect(small.status).toBe('OK');
  });
});

describe('a failing server shows nothing of itself', () => {
  it('an unexpected database error (schema drift) is INTERNAL "internal error" on both ports: no SQL, stack or path', async () => {
    await app.sql.query(`ALTER TABLE order_service.orders RENAME COLUMN status_reason TO status_reason_gone`);
    try {
      const rest = await app.rest('GET', `/v1/orders/${orderId}`, { token: alice });
      expectAip193(rest, 500, 'INTERNAL');
      expect(rest.json).toEqual({ error: { code: 500, status: 'INTERNAL', message: 'internal error', details: [] } });
      const list = await app.rest('GET', '/v1/orders', { token: alice });
      expect(list.json).toEqual({ error: { code: 500, status: 'INTERNAL', message: 'internal error', details: [] } });

      const grpc = await app.grpc('OrderService', 'GetOrder', { id: orderId }, { token: alice });
      expect(grpc).toMatchObject({ status: 'INTERNAL', message: 'internal error', fields: [] });
      expect(grpc.errorInfo).toBeUndefined();
      expect(JSON.stringify(grpc)).not.toMatch(INTERNALS);
    } finally {
      await app.sql.query(`ALTER TABLE order_service.orders RENAME COLUMN status_reason_gone TO status_reason`);
    }
    expect((await app.rest('GET', `/v1/orders/${orderId}`, { token: alice })).status).toBe(200);
  });

  it('an unknown route, method or verb answers the AIP-193 shape without internals', async () => {
    expectAip193(await app.rest('DELETE', `/v1/orders/${orderId}`, { token: alice }), 404, 'NOT_FOUND');
    expectAip193(await app.rest('POST', `/v1/orders/${orderId}:explode`, { token: alice, body: {} }), 404, 'NOT_FOUND');
    expectAip193(await app.rest('GET', '/../../etc/passwd', { token: alice }), 404, 'NOT_FOUND');
  });
});
