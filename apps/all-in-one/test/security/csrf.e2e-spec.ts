import { SecurityApp } from './support.js';

/**
 * CSRF (CONTRACT section 4): no endpoint authenticates by an ambient cookie. Every HTTP route the
 * all-in-one app registered (read from Fastify's route table, so a route added later is covered
 * without editing this test) is called with a valid admin JWT only in a Cookie header, under the
 * usual cookie names, and must answer 401, never 2xx. Public reads (probes, the OpenAPI document)
 * must answer exactly as without the cookie. The same holds for every gRPC method with a `cookie`
 * metadata entry. That the guard never even looks at cookies is a unit test of libs/auth.
 */
let app: SecurityApp;
let admin: string;
let alice: string;
let orderId: string;

const COOKIE_NAMES = ['token', 'access_token', 'authorization', 'jwt', 'session'] as const;
/** Routes anyone may call (probes, the API description, Prometheus metrics): the cookie must change nothing there. */
const PUBLIC_READS = [/^\/health\/(live|ready|startup)$/, /^\/v1\/openapi\.json$/, /^\/metrics$/];

interface Route {
  readonly path: string;
  readonly methods: readonly string[];
}

/** Routes in `printRoutes({ commonPrefix: false })` output: a tree, one path segment per line. */
function parseRouteTree(tree: string): Route[] {
  const routes: Route[] = [];
  const prefixes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    prefixes.length = depth;
    const path = prefixes.join('') + match[2];
    prefixes.push(match[2]!);
    if (match[3]) routes.push({ path, methods: match[3].split(', ') });
  }
  return routes;
}

/** Concrete paths for a route template: every parameter takes each of a few real values. */
function concretePaths(template: string): string[] {
  if (!template.includes(':')) return [template];
  const values = ['P001', orderId, `${orderId}:cancel`, `${orderId}:refund`];
  return values.map((value) => template.replace(/:\w+(\|:\w+)*/g, encodeURIComponent(value).replace(/%3A/g, ':')));
}

/** A body that would be accepted with a proper token, so a cookie-authenticated call could succeed. */
const PLAUSIBLE_BODY = {
  items: [{ sku: 'P001', qty: 1 }],
  reason: 'csrf',
  name: 'Pwned',
  price: { currency: 'USD', amountMinor: '1' },
  stock: '1',
  paymentMethod: 'credit_card',
  paymentDetails: { cardNumber: '4242424242424242', expiryDate: '12/39', cvv: '123' },
};

beforeAll(async () => {
  app = await SecurityApp.start();
  [admin, alice] = await Promise.all([app.token('root', ['admin', 'service']), app.token('alice')]);
  orderId = await app.reservedOrder(alice);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

it('reads the route table: every route of every service module is there', () => {
  const routes = parseRouteTree(app.running.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false }));
  const flat = routes.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`));
  expect(flat).toEqual(
    expect.arrayContaining([
      'POST /v1/orders',
      'GET /v1/orders',
      'GET /v1/openapi.json',
      'PUT /v1/products/:sku',
      'GET /v1/products/:sku',
      'POST /internal/gateway/callbacks',
      'GET /health/ready',
    ]),
  );
  expect(flat.some((r) => /^GET \/v1\/orders\/:id/.test(r))).toBe(true);
  expect(flat.some((r) => /^POST \/v1\/orders\/(:id\|)?:target/.test(r))).toBe(true);
});

it('no HTTP route accepts a JWT from a cookie: 401 everywhere, public reads unchanged', async () => {
  const routes = parseRouteTree(app.running.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false }));
  const cookieHeaders = [
    ...COOKIE_NAMES.map((name) => `${name}=${name === 'authorization' ? `Bearer%20${admin}` : admin}`),
    COOKIE_NAMES.map((name) => `${name}=${admin}`).join('; '),
  ];
  const failures: string[] = [];
  let checked = 0;
  for (const route of routes) {
    for (const method of route.methods) {
      for (const path of concretePaths(route.path)) {
        const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
        const baseline = PUBLIC_READS.some((p) => p.test(path)) ? await app.rest(method, path, hasBody ? { body: PLAUSIBLE_BODY } : {}) : undefined;
        for (const cookie of cookieHeaders) {
          const answer = await app.rest(method, path, { headers: { cookie }, ...(hasBody && { body: PLAUSIBLE_BODY }) });
          checked++;
          const expected = baseline?.status ?? 401;
          if (answer.status !== expected) failures.push(`${method} ${path} with cookie ${cookie.split('=')[0]}: ${answer.status} (expected ${expected}) ${answer.text.slice(0, 120)}`);
        }
      }
    }
  }
  expect(failures).toEqual([]);
  expect(checked).toBeGreaterThan(50);
  // Nothing was done on anyone's behalf.
  const { rows } = await app.sql.query(`SELECT status FROM order_service.orders WHERE id = $1`, [orderId]);
  expect(rows[0].status).toBe('RESERVED');
}, 120_000);

it('no gRPC method accepts a JWT from a cookie metadata entry: UNAUTHENTICATED everywhere', async () => {
  const failures: string[] = [];
  for (const service of ['OrderService', 'InventoryService', 'PaymentService'] as const) {
    for (const method of app.methodsOf(service)) {
      for (const name of COOKIE_NAMES) {
        const answer = await app.grpc(service, method, { id: orderId, orderId }, { metadata: { cookie: `${name}=${admin}` } });
        if (answer.status !== 'UNAUTHENTICATED') failures.push(`${service}/${method} with cookie ${name}: ${answer.status} ${answer.message}`);
      }
    }
  }
  expect(failures).toEqual([]);
}, 60_000);
