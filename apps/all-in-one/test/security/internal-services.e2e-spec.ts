import { expectAip193, SecurityApp, unsignedToken } from './support.js';

/**
 * Internal endpoints (CONTRACT section 4) accept only `service` or `admin` role tokens: no token is
 * UNAUTHENTICATED / 401, a customer's token PERMISSION_DENIED / 403, on every method of
 * InventoryService and PaymentService (listed from the proto, so a new method is covered) and on
 * the catalog administration routes (admin only). Gateway callbacks are authenticated by their
 * HMAC signature instead (payment-service's own suite).
 */
let app: SecurityApp;
let customer: string;
let service: string;
let admin: string;

beforeAll(async () => {
  app = await SecurityApp.start();
  [customer, service, admin] = await Promise.all([app.token('mallory'), app.token('order-service', ['service']), app.token('root', ['admin'])]);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe.each(['InventoryService', 'PaymentService'] as const)('oms.v1.%s over gRPC', (service_) => {
  it('has the methods the contract names', () => {
    const expected = service_ === 'InventoryService' ? ['Reserve', 'Release', 'Commit'] : ['Hold', 'Capture', 'Void', 'Refund'];
    expect(app.methodsOf(service_)).toEqual(expect.arrayContaining(expected));
  });

  it('every method: no token, a garbage token or an unsigned one is UNAUTHENTICATED; a customer token is PERMISSION_DENIED', async () => {
    const seen: Record<string, string[]> = {};
    for (const method of app.methodsOf(service_)) {
      const request = { orderId: 'order-1', paymentId: 'pay-1', sku: 'P001' };
      seen[method] = [
        (await app.grpc(service_, method, request)).status,
        (await app.grpc(service_, method, request, { token: 'not.a.jwt' })).status,
        (await app.grpc(service_, method, request, { token: unsignedToken('order-service', ['service']) })).status,
        (await app.grpc(service_, method, request, { token: customer })).status,
      ];
    }
    for (const method of app.methodsOf(service_)) {
      expect({ method, codes: seen[method] }).toEqual({ method, codes: ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'PERMISSION_DENIED'] });
    }
  });

  it('every method lets a service or admin token through authorization (empty requests then fail validation)', async () => {
    for (const method of app.methodsOf(service_)) {
      for (const token of method === 'UpsertProduct' ? [admin] : [service, admin]) {
        const answer = await app.grpc(service_, method, {}, { token });
        expect({ method, status: answer.status }).toEqual({ method, status: 'INVALID_ARGUMENT' });
      }
    }
  });
});

it('InventoryService.UpsertProduct changes the catalog: admin only, a service token is PERMISSION_DENIED', async () => {
  const request = { sku: 'EVIL1', name: 'x', price: { currency: 'USD', amountMinor: '1' }, stock: '1' };
  expect((await app.grpc('InventoryService', 'UpsertProduct', request, { token: service })).status).toBe('PERMISSION_DENIED');
  const { rows } = await app.sql.query(`SELECT 1 FROM inventory_service.products WHERE sku = 'EVIL1'`);
  expect(rows).toHaveLength(0);
});

describe('catalog administration over REST (admin)', () => {
  const routes = [
    ['GET', '/v1/products/P001', undefined],
    ['PUT', '/v1/products/EVIL2', { name: 'x', price: { currency: 'USD', amountMinor: '1' }, stock: '1' }],
  ] as const;

  it.each(routes)('%s %s: no token 401, a customer or service token 403 (AIP-193)', async (method, path, body) => {
    expectAip193(await app.rest(method, path, { body }), 401, 'UNAUTHENTICATED');
    expectAip193(await app.rest(method, path, { body, token: unsignedToken('root', ['admin']) }), 401, 'UNAUTHENTICATED');
    expectAip193(await app.rest(method, path, { body, token: customer }), 403, 'PERMISSION_DENIED');
    expectAip193(await app.rest(method, path, { body, token: service }), 403, 'PERMISSION_DENIED');
  });

  it('an admin gets through', async () => {
    expect((await app.rest('GET', '/v1/products/P001', { token: admin })).status).toBe(200);
    const { rows } = await app.sql.query(`SELECT 1 FROM inventory_service.products WHERE sku = 'EVIL2'`);
    expect(rows).toHaveLength(0);
  });
});

describe('legacy internal REST routes (service or admin)', () => {
  const hasRoute = (url: string): boolean => app.running.app.getHttpAdapter().getInstance().hasRoute({ method: 'POST', url });

  it.each(['/api/inventory/lock', '/api/notification/send'])('POST %s: 401 without a token, 403 for a customer', async (path) => {
    expect(hasRoute(path)).toBe(true);
    const body = { orderId: 'order-1', items: [{ sku: 'P001', qty: 1 }], userId: 'mallory', type: 'email', message: 'x' };
    expect((await app.rest('POST', path, { body })).status).toBe(401);
    expect((await app.rest('POST', path, { body, token: unsignedToken('order-service', ['service']) })).status).toBe(401);
    expect((await app.rest('POST', path, { body, token: customer })).status).toBe(403);
  });
});
