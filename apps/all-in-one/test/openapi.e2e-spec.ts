import { randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { OPENAPI_DOCUMENT_PATH, ORDER_GATEWAY_OPENAPI } from '../../order-service/src/adapters/in/rest/openapi.document.js';
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
    await h.reserved(toPay.id);
    const paid = await call('POST', `/v1/orders/${toPay.id}:pay`, {
      token: alice,
      body: { paymentMethod: 'credit_card', paymentDetails: card, expectedVersion: 2 },
      headers: { 'idempotency-key': `pay-${randomUUID()}` },
    });
    expect(paid.body.payment).toMatchObject({ cardLast4: '1111' });
    expectDocumented('POST', '/v1/orders/{id}:pay', paid);

    const toRefund = await create();
    await h.confirmed(toRefund.id, alice);
    const refunded = await call('POST', `/v1/orders/${toRefund.id}:refund`, { token: alice });
    expect(refunded.body.order).toMatchObject({ status: 'ORDER_STATUS_REFUNDED', payment: { status: 'PAYMENT_STATUS_REFUNDED' } });
    expectDocumented('POST', '/v1/orders/{id}:refund', refunded);
  });

  it('error answers: each status documented for its route, each body an AIP-193 error', async () => {
    const order = await create();
    const canceledOrder = await create();
    await call('POST', `/v1/orders/${canceledOrder.id}:cancel`, { token: alice, body: {} });
    const cases: [string, string, Answer, number, string][] = [
      ['POST', '/v1/orders', await call('POST', '/v1/orders', { token: alice, body: { items: [{ sku: 'bad sku!', qty: 0 }] } }), 400, 'INVALID_ARGUMENT'],
      ['POST', '/v1/orders', await call('POST', '/v1/orders', { body: twoItems }), 401, 'UNAUTHENTICATED'],
      ['POST', '/v1/orders', await call('POST', '/v1/orders', { token: alice, body: { ...twoItems, customerId: 'bob' } }), 403, 'PERMISSION_DENIED'],
      ['POST', '/v1/orders', await call('POST', '/v1/orders', { token: alice, body: twoItems, headers: { 'idempotency-key': 'k'.repeat(256) } }), 400, 'INVALID_ARGUMENT'],
      ['GET', '/v1/orders', await call('GET', '/v1/orders?pageSize=101', { token: alice }), 400, 'INVALID_ARGUMENT'],
      ['GET', '/v1/orders', await call('GET', '/v1/orders?customerId=bob', { token: alice }), 403, 'PERMISSION_DENIED'],
      ['GET', '/v1/orders/{id}', await call('GET', `/v1/orders/${randomUUID()}`, { token: alice }), 404, 'NOT_FOUND'],
      ['GET', '/v1/orders/{id}', await call('GET', `/v1/orders/${order.id}`, { token: `${alice}x` }), 401, 'UNAUTHENTICATED'],
      ['POST', '/v1/orders/{id}:pay', await call('POST', `/v1/orders/${canceledOrder.id}:pay`, { token: alice, body: { paymentMethod: 'credit_card', paymentDetails: card } }), 400, 'FAILED_PRECONDITION'],
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

/*
 * Catalog administration is inventory-service's (served on this port in the all-in-one process);
 * the document describes it from the outside, so its answers are checked here against the real one.
 */
describe('catalog administration answers fit the document', () => {
  const PRODUCT = '/v1/products/{sku}';
  const productPath = (sku: string): string => `/v1/products/${encodeURIComponent(sku)}`;
  const newSku = (): string => `T-${randomUUID().slice(0, 8)}`;
  const price = { currency: 'USD', amountMinor: '100' };

  /** Creates an order of `qty` units of `sku` and waits until inventory-service holds them. */
  const reserve = async (sku: string, qty: number): Promise<void> => {
    const created = await call('POST', '/v1/orders', { token: alice, body: { items: [{ sku, qty }] } });
    expect(created.status).toBe(200);
    await h.reserved(created.body.order.id);
  };

  it('successful answers of PUT and GET, with stock including the reserved units', async () => {
    const sku = newSku();
    const created = await call('PUT', productPath(sku), {
      token: admin,
      body: { name: 'Desk Lamp', price: { currency: 'USD', amountMinor: 1299 }, stock: 5 },
    });
    expect(created.body).toEqual({ product: { sku, name: 'Desk Lamp', price: { currency: 'USD', amountMinor: '1299' }, stock: '5' } });
    expectDocumented('PUT', PRODUCT, created);

    // Replaced; proto field names accepted; zero values (stock, amount) left out as proto3 JSON does.
    const replaced = await call('PUT', productPath(sku), {
      token: admin,
      body: { name: 'Free Lamp', price: { currency: 'EUR', amount_minor: '0' }, sku: 'IGNORED' },
      headers: { 'idempotency-key': `put-${randomUUID()}` },
    });
    expect(replaced.body).toEqual({ product: { sku, name: 'Free Lamp', price: { currency: 'EUR' } } });
    expectDocumented('PUT', PRODUCT, replaced);
    const read = await call('GET', productPath(sku), { token: admin });
    expect(read.body).toEqual(replaced.body);
    expectDocumented('GET', PRODUCT, read);

    // `stock` counts units on hand, reserved ones included; `reserved` those live reservations hold.
    await reserve('P004', 3);
    const withReserved = await call('GET', productPath('P004'), { token: admin });
    expect(withReserved.body.product).toMatchObject({ sku: 'P004', stock: '1000', reserved: '3' });
    expectDocumented('GET', PRODUCT, withReserved);
    const restated = await call('PUT', productPath('P004'), {
      token: admin,
      body: { name: withReserved.body.product.name, price: withReserved.body.product.price, stock: '3' },
    });
    expect(restated.body.product).toMatchObject({ stock: '3', reserved: '3' });
    expectDocumented('PUT', PRODUCT, restated);
  }, 30_000);

  it('error answers: each status documented for its route, each body an AIP-193 error', async () => {
    await reserve('P005', 2);
    const put = (sku: string, body: unknown, options: { token?: string; headers?: Record<string, string> } = { token: admin }) =>
      call('PUT', productPath(sku), { ...options, body });
    const good = { name: 'Lamp', price, stock: 1 };
    const key = `key-${randomUUID()}`;
    const reusedSku = newSku();
    await put(reusedSku, good, { token: admin, headers: { 'idempotency-key': key } });

    const invalid = await put('bad.sku', { name: '', price: { currency: 'usd', amountMinor: -1 }, stock: -5 });
    const cases: [string, Answer, number, string, string?][] = [
      ['PUT', invalid, 400, 'INVALID_ARGUMENT'],
      ['PUT', await put(newSku(), undefined), 400, 'INVALID_ARGUMENT'],
      ['PUT', await put(newSku(), good, { token: admin, headers: { 'idempotency-key': 'k'.repeat(256) } }), 400, 'INVALID_ARGUMENT'],
      ['PUT', await put('P005', { name: 'Laptop Stand', price, stock: 1 }), 400, 'FAILED_PRECONDITION', 'STOCK_BELOW_RESERVED'],
      ['PUT', await put(newSku(), good, { token: alice }), 403, 'PERMISSION_DENIED'],
      ['PUT', await put(newSku(), good, {}), 401, 'UNAUTHENTICATED'],
      ['PUT', await put(reusedSku, { ...good, stock: 2 }, { token: admin, headers: { 'idempotency-key': key } }), 409, 'ALREADY_EXISTS', 'IDEMPOTENCY_KEY_REUSED'],
      ['GET', await call('GET', productPath('bad.sku'), { token: admin }), 400, 'INVALID_ARGUMENT'],
      ['GET', await call('GET', productPath('P001'), { token: alice }), 403, 'PERMISSION_DENIED'],
      ['GET', await call('GET', productPath(newSku()), { token: admin }), 404, 'NOT_FOUND', 'PRODUCT_NOT_FOUND'],
      ['GET', await call('GET', productPath('P001'), {}), 401, 'UNAUTHENTICATED'],
      ['GET', await call('GET', productPath('P001'), { token: `${admin}x` }), 401, 'UNAUTHENTICATED'],
    ];
    for (const [method, answer, status, code, reason] of cases) {
      expect({ method, status: answer.status, code: answer.body.error?.status }).toEqual({ method, status, code });
      if (reason) expect(answer.body.error.details).toEqual([expect.objectContaining({ reason })]);
      expectDocumented(method, PRODUCT, answer);
    }
    const fields = (invalid.body.error.details as Json[]).flatMap((d) => (d.fieldViolations as Json[]).map((v) => v.field));
    expect([...new Set(fields)].sort()).toEqual(['name', 'price.amountMinor', 'price.currency', 'sku', 'stock']);
    expect((await call('GET', productPath('P005'), { token: admin })).body.product).toMatchObject({ stock: '1000', reserved: '2' });
  }, 30_000);

  /** PUT bodies at and just past each rule: the document must accept exactly what the service accepts. */
  const upsertSamples: [string, unknown][] = [
    ['the smallest product', { name: 'n', price }],
    ['a name of 200 characters', { name: 'n'.repeat(200), price }],
    ['a name of 201 characters', { name: 'n'.repeat(201), price }],
    ['an empty name', { name: '', price }],
    ['a blank name', { name: ' \t ', price }],
    ['a name that is not a string', { name: 7, price }],
    ['no name', { price }],
    ['no price', { name: 'n', stock: 1 }],
    ['a price as a number', { name: 'n', price: { currency: 'USD', amountMinor: 100 } }],
    ['a price of 0', { name: 'n', price: { currency: 'USD', amountMinor: '0' } }],
    ['a negative price', { name: 'n', price: { currency: 'USD', amountMinor: '-1' } }],
    ['a fractional price', { name: 'n', price: { currency: 'USD', amountMinor: 1.5 } }],
    ['a price without amount', { name: 'n', price: { currency: 'USD' } }],
    ['a price without currency', { name: 'n', price: { amountMinor: '1' } }],
    ['a lower-case currency', { name: 'n', price: { currency: 'usd', amountMinor: '1' } }],
    ['stock 0', { name: 'n', price, stock: 0 }],
    ['stock as a string', { name: 'n', price, stock: '12' }],
    ['stock at the maximum, as a number', { name: 'n', price, stock: Number.MAX_SAFE_INTEGER }],
    ['stock at the maximum, as a string', { name: 'n', price, stock: String(Number.MAX_SAFE_INTEGER) }],
    ['stock past the maximum, as a number', { name: 'n', price, stock: Number.MAX_SAFE_INTEGER + 1 }],
    ['a negative stock', { name: 'n', price, stock: -1 }],
    ['a fractional stock', { name: 'n', price, stock: 2.5 }],
    ['stock not a number', { name: 'n', price, stock: 'many' }],
    ['a list instead of an object', [price]],
  ];
  it.each(upsertSamples)('PUT body: %s', async (_name, request) => {
    const answer = await call('PUT', productPath(newSku()), { token: admin, body: request });
    expect([200, 400]).toContain(answer.status);
    const documented = ajv.validate(rebase(resolve(doc.paths[PRODUCT].put.requestBody).content['application/json'].schema) as object, request);
    expect({ documented }).toEqual({ documented: answer.status === 200 });
  });

  const skuSamples: string[] = ['P001', 'a_b-C9', 'A'.repeat(64), 'A'.repeat(65), 'bad.sku', 'has space', 'ümlaut'];
  it.each(skuSamples)('sku %s: the documented form is the one the service accepts', async (sku) => {
    const answer = await call('GET', productPath(sku), { token: admin });
    expect([200, 400, 404]).toContain(answer.status);
    const documented = ajv.validate(rebase(resolve(doc.components.parameters.ProductSku).schema) as object, sku);
    expect({ sku, documented }).toEqual({ sku, documented: answer.status !== 400 });
  });
});
