import { randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { OPENAPI_DOCUMENT_PATH, ORDER_GATEWAY_OPENAPI } from '../src/adapters/in/rest/openapi.document.js';
import { OrderServiceHarness } from './support/order-service.harness.js';

/*
 * The served OpenAPI document against the running service: every /v1 route Fastify has is
 * documented, and what the service really answers (bodies, statuses, headers) fits the document.
 */

type Json = Record<string, any>;
type Fastify = {
  printRoutes(options: { commonPrefix: boolean; method: string }): string;
  hasRoute(options: { method: string; url: string }): boolean;
};

const doc = JSON.parse(JSON.stringify(ORDER_GATEWAY_OPENAPI)) as Json;
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

let h: OrderServiceHarness;
let alice: string;
let admin: string;

beforeAll(async () => {
  h = await OrderServiceHarness.start();
  [alice, admin] = await Promise.all([h.token('alice'), h.token('root', ['admin'])]);
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

/**
 * `METHOD /url` of every route the Fastify router holds, from its per-method route tree (one node
 * per line, 4 columns of indentation per level, a node's text continuing its parent's path).
 */
function registeredRoutes(fastify: Fastify): string[] {
  const routes: string[] = [];
  for (const method of HTTP_METHODS) {
    const stack: string[] = [];
    for (const line of fastify.printRoutes({ commonPrefix: false, method }).split('\n')) {
      const node = /^((?:[│ ] {3})*)[├└]── (\S+?)(?: \(([^)]*)\))?$/.exec(line.trimEnd());
      if (!node) continue;
      const depth = node[1]!.length / 4;
      stack.length = depth;
      stack.push(node[2]!);
      if (node[3]?.split(', ').includes(method)) routes.push(`${method} ${stack.join('')}`);
    }
  }
  return routes;
}

/** Whether the Fastify route pattern `url` (`:param` = one path segment) serves `path`. */
function routes(url: string, path: string): boolean {
  const pattern = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+');
  return new RegExp(`^${pattern}$`).test(path);
}

/** `METHOD /path` of every documented operation, with `{param}` filled in as a client would. */
function documentedOperations(): { method: string; template: string; example: string }[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([template, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key.toUpperCase()))
      .map((method) => ({
        method: method.toUpperCase(),
        template,
        example: template.replace(/\{[^}]+\}/g, 'some-id'),
      })),
  );
}

function resolve(node: Json): Json {
  if (typeof node.$ref !== 'string') return node;
  const target = (node.$ref as string)
    .slice(2)
    .split('/')
    .reduce((at: Json, key) => at[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  return resolve(target);
}

/**
 * The document as a strict JSON Schema resource: an object with listed properties admits no
 * others, so a field the service sends but the document does not describe fails validation.
 */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, strict(v)])) as Json;
  if (copy.type === 'object' && copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
ajv.addFormat('int32', true).addFormat('int64', true);
ajv.addFormat('date-time', (v: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(v) && !Number.isNaN(Date.parse(v)));
ajv.addSchema(strict(doc) as object, 'openapi.json');

/** A schema of the document with its local `#/...` references pointed at the added resource. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `openapi.json${v}` : rebase(v)]),
  );
}

interface Answer {
  status: number;
  headers: Headers;
  body: Json;
}

async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${h.running.httpUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

/**
 * Asserts that `answer` is one the document allows for the operation: a documented status, each
 * documented header present and well-formed, the body valid against the documented schema.
 */
function expectDocumented(method: string, template: string, answer: Answer): void {
  const operation = doc.paths[template]?.[method.toLowerCase()] as Json | undefined;
  expect(operation).toBeDefined();
  const declared = operation!.responses[String(answer.status)] ?? operation!.responses.default;
  expect({ status: answer.status, documented: Boolean(operation!.responses[String(answer.status)]) }).toEqual({
    status: answer.status,
    documented: true,
  });
  const response = resolve(declared);
  for (const [name, header] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
    const value = answer.headers.get(name);
    expect({ header: name, valid: value !== null && ajv.validate(rebase(resolve(header).schema) as object, value) }).toEqual({
      header: name,
      valid: true,
    });
  }
  expect(answer.headers.get('content-type')).toMatch(/^application\/json\b/);
  const validate = ajv.compile(rebase(response.content['application/json'].schema) as object);
  const valid = validate(answer.body);
  expect({ operation: `${method} ${template} ${answer.status}`, errors: valid ? [] : validate.errors }).toEqual({
    operation: `${method} ${template} ${answer.status}`,
    errors: [],
  });
}

const twoItems = { items: [{ sku: 'P001', qty: 2 }, { sku: 'P002', qty: 1 }] };
const card = { cardNumber: '4111111111111111', expiryDate: '12/39', cvv: '123' };
const capturedPayment = {
  id: 'pay-1', status: 'CAPTURED', provider: 'simulated', method: 'credit_card',
  cardBrand: 'visa', cardLast4: '1111', transactionId: 'txn-1', failureReason: '',
};

describe(`GET ${OPENAPI_DOCUMENT_PATH}`, () => {
  it('serves the document to anyone, without a token', async () => {
    const answer = await call('GET', OPENAPI_DOCUMENT_PATH);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json\b/);
    expect(answer.headers.get('x-correlation-id')).toBeTruthy();
    expect(answer.body).toEqual(doc);
    expect(answer.body).toMatchObject({ openapi: expect.stringMatching(/^3\.1\./), servers: [{ url: '/' }] });
  });

  it('documents every route registered under /v1/, and documents no route that does not exist', () => {
    const fastify = h.running.app.getHttpAdapter().getInstance() as Fastify;
    const registered = registeredRoutes(fastify).filter((r) => r.split(' ')[1]!.startsWith('/v1/'));
    // Guards the tree parsing: what it found is really in the router, and it found the gateway.
    for (const route of registered) {
      const [method, url] = route.split(' ') as [string, string];
      expect({ route, inRouter: fastify.hasRoute({ method, url }) }).toEqual({ route, inRouter: true });
    }
    expect(registered).toEqual(expect.arrayContaining(['GET /v1/orders', 'POST /v1/orders', 'GET /v1/orders/:id', `GET ${OPENAPI_DOCUMENT_PATH}`]));
    expect(registered.filter((r) => r.startsWith('POST /v1/orders/:'))).toHaveLength(1); // the custom methods' route

    const operations = documentedOperations();
    const undocumented = registered
      .filter((r) => r !== `GET ${OPENAPI_DOCUMENT_PATH}`) // the document does not describe itself
      .filter((route) => {
        const [method, url] = route.split(' ') as [string, string];
        return !operations.some((op) => op.method === method && routes(url, op.example));
      });
    expect(undocumented).toEqual([]);

    const unrouted = operations.filter(
      (op) => !registered.some((route) => route.startsWith(`${op.method} `) && routes(route.split(' ')[1]!, op.example)),
    );
    expect(unrouted).toEqual([]);
  });
});

describe('what the service answers fits the document', () => {
  const create = async (token = alice): Promise<Json> => {
    const answer = await call('POST', '/v1/orders', { token, body: twoItems });
    expectDocumented('POST', '/v1/orders', answer);
    return answer.body.order;
  };

  it('successful answers of all six operations', async () => {
    const order = await create();
    expect(order).toMatchObject({ status: 'ORDER_STATUS_PENDING', version: '1' });
    await create();

    expectDocumented('GET', '/v1/orders/{id}', await call('GET', `/v1/orders/${order.id}`, { token: alice }));
    const page = await call('GET', '/v1/orders?pageSize=1&status=ORDER_STATUS_PENDING', { token: alice });
    expect(page.body.nextPageToken).toBeTruthy();
    expectDocumented('GET', '/v1/orders', page);
    const lastPage = await call('GET', '/v1/orders?customerId=nobody', { token: admin });
    expect(lastPage.body).toEqual({});
    expectDocumented('GET', '/v1/orders', lastPage);

    const canceled = await call('POST', `/v1/orders/${order.id}:cancel`, { token: alice, body: { reason: 'changed my mind' } });
    expect(canceled.body.order).toMatchObject({ status: 'ORDER_STATUS_CANCELED', statusReason: 'changed my mind' });
    expectDocumented('POST', '/v1/orders/{id}:cancel', canceled);

    const toPay = await create();
    await h.forceState(toPay.id, 'RESERVED');
    const paid = await call('POST', `/v1/orders/${toPay.id}:pay`, {
      token: alice,
      body: { paymentMethod: 'credit_card', paymentDetails: card, expectedVersion: 2 },
      headers: { 'idempotency-key': `pay-${randomUUID()}` },
    });
    expect(paid.body.payment).toMatchObject({ cardLast4: '1111' });
    expectDocumented('POST', '/v1/orders/{id}:pay', paid);

    const toRefund = await create();
    await h.forceState(toRefund.id, 'CONFIRMED', capturedPayment);
    const refunded = await call('POST', `/v1/orders/${toRefund.id}:refund`, { token: alice });
    expect(refunded.body.order).toMatchObject({ status: 'ORDER_STATUS_REFUNDED', payment: { status: 'PAYMENT_STATUS_REFUNDED' } });
    expectDocumented('POST', '/v1/orders/{id}:refund', refunded);
  });

  it('error answers: each status documented for its route, each body an AIP-193 error', async () => {
    const order = await create();
    const cases: [string, string, Answer, number, string][] = [
      ['POST', '/v1/orders', await call('POST', '/v1/orders', { token: alice, body: { items: [{ sku: 'bad sku!', qty: 0 }] } }), 400, 'INVALID_ARGUMENT'],
      ['POST', '/v1/orders', await call('POST', '/v1/orders', { body: twoItems }), 401, 'UNAUTHENTICATED'],
      ['POST', '/v1/orders', await call('POST', '/v1/orders', { token: alice, body: { ...twoItems, customerId: 'bob' } }), 403, 'PERMISSION_DENIED'],
      ['POST', '/v1/orders', await call('POST', '/v1/orders', { token: alice, body: twoItems, headers: { 'idempotency-key': 'k'.repeat(256) } }), 400, 'INVALID_ARGUMENT'],
      ['GET', '/v1/orders', await call('GET', '/v1/orders?pageSize=101', { token: alice }), 400, 'INVALID_ARGUMENT'],
      ['GET', '/v1/orders', await call('GET', '/v1/orders?customerId=bob', { token: alice }), 403, 'PERMISSION_DENIED'],
      ['GET', '/v1/orders/{id}', await call('GET', `/v1/orders/${randomUUID()}`, { token: alice }), 404, 'NOT_FOUND'],
      ['GET', '/v1/orders/{id}', await call('GET', `/v1/orders/${order.id}`, { token: `${alice}x` }), 401, 'UNAUTHENTICATED'],
      ['POST', '/v1/orders/{id}:pay', await call('POST', `/v1/orders/${order.id}:pay`, { token: alice, body: { paymentMethod: 'credit_card', paymentDetails: card } }), 400, 'FAILED_PRECONDITION'],
      ['POST', '/v1/orders/{id}:pay', await call('POST', `/v1/orders/${order.id}:pay`, { token: alice, body: {} }), 400, 'INVALID_ARGUMENT'],
      ['POST', '/v1/orders/{id}:cancel', await call('POST', `/v1/orders/${order.id}:cancel`, { token: alice, body: { expectedVersion: '7' } }), 409, 'ABORTED'],
      ['POST', '/v1/orders/{id}:refund', await call('POST', `/v1/orders/${order.id}:refund`, { token: alice }), 400, 'FAILED_PRECONDITION'],
      ['POST', '/v1/orders/{id}:refund', await call('POST', `/v1/orders/${randomUUID()}:refund`, { token: alice }), 404, 'NOT_FOUND'],
    ];
    const key = `key-${randomUUID()}`;
    await call('POST', '/v1/orders', { token: alice, body: twoItems, headers: { 'idempotency-key': key } });
    const reused = await call('POST', '/v1/orders', { token: alice, body: { items: [{ sku: 'P001', qty: 5 }] }, headers: { 'idempotency-key': key } });
    cases.push(['POST', '/v1/orders', reused, 409, 'ALREADY_EXISTS']);

    for (const [method, template, answer, status, code] of cases) {
      expect({ method, template, status: answer.status, code: answer.body.error?.status }).toEqual({ method, template, status, code });
      expectDocumented(method, template, answer);
    }
    // Both kinds of detail were seen, so both detail schemas were exercised.
    const types = cases.flatMap(([, , answer]) => (answer.body.error.details as Json[]).map((d) => d['@type']));
    expect(new Set(types)).toEqual(
      new Set(['type.googleapis.com/google.rpc.BadRequest', 'type.googleapis.com/google.rpc.ErrorInfo']),
    );
  });
});
