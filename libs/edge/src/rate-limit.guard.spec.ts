import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Metadata } from '@grpc/grpc-js';
import { JwtAuthGuard, JwtVerifier, signDevToken } from '#libs/auth';
import { ApiError } from '#libs/errors';
import { RATE_LIMITED, RateLimitGuard, SkipRateLimit } from './rate-limit.guard.js';
import { RateLimitModule } from './rate-limit.module.js';
import { ThrottlerStorageService } from './throttler.js';

const SECRET = 'rate-limit-spec-secret-with-entropy-0123';
const LIMIT = 3;

class Handlers {
  list(): void {}
  get(): void {}
  callback(): void {}
}
SkipRateLimit()(Handlers.prototype, 'callback', Object.getOwnPropertyDescriptor(Handlers.prototype, 'callback')!);

const auth = new JwtAuthGuard(new JwtVerifier({ hs256Secret: SECRET }), new Reflector());
let guard: RateLimitGuard;

beforeEach(async () => {
  guard = new RateLimitGuard({ throttlers: [{ name: 'default', ttl: 60_000, limit: LIMIT, blockDuration: 0 }] }, new ThrottlerStorageService(), new Reflector());
  await guard.onModuleInit();
});

interface HttpCall {
  context: ExecutionContext;
  headers: Record<string, string>;
}

/** An HTTP request, authenticated by the real auth guard first (as in the app) when `sub` is given. */
async function http(url: string, options: { sub?: string; roles?: string[]; ip?: string; handler?: keyof Handlers } = {}): Promise<HttpCall> {
  const headers: Record<string, string> = {};
  const request = {
    url,
    ip: options.ip ?? '10.0.0.1',
    headers: options.sub ? { authorization: `Bearer ${await signDevToken({ sub: options.sub, roles: options.roles, secret: SECRET })}` } : {},
  };
  const reply = { header: (name: string, value: string) => (headers[name.toLowerCase()] = String(value)) };
  const context = {
    getType: () => 'http',
    getHandler: () => Handlers.prototype[options.handler ?? 'list'],
    getClass: () => Handlers,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  if (options.sub) await auth.canActivate(context);
  return { context, headers };
}

async function grpc(sub: string | undefined, peer = 'ipv4:10.0.0.1:40000', roles: string[] = []): Promise<ExecutionContext> {
  const md = new Metadata();
  if (sub) md.set('authorization', `Bearer ${await signDevToken({ sub, roles, secret: SECRET })}`);
  const call = { getPeer: () => peer };
  const context = {
    getType: () => 'rpc',
    getHandler: () => Handlers.prototype.get,
    getClass: () => Handlers,
    getArgByIndex: (i: number) => [{}, md, call][i],
    switchToRpc: () => ({ getContext: () => md, getData: () => ({}) }),
  } as unknown as ExecutionContext;
  if (sub) await auth.canActivate(context);
  return context;
}

const refused = (promise: Promise<unknown>): Promise<ApiError> => promise.then(() => Promise.reject(new Error('allowed')), (e: ApiError) => e);

describe('RateLimitGuard', () => {
  it('HTTP: the call over the limit is RESOURCE_EXHAUSTED RATE_LIMITED with Retry-After and the limit headers', async () => {
    for (let i = 0; i < LIMIT; i++) {
      const call = await http('/v1/orders', { sub: 'alice' });
      await expect(guard.canActivate(call.context)).resolves.toBe(true);
      expect(call.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1 - i));
    }
    const over = await http('/v1/orders', { sub: 'alice' });
    const error = await refused(guard.canActivate(over.context));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 'RESOURCE_EXHAUSTED', reason: RATE_LIMITED, metadata: { limit: String(LIMIT) } });
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('one budget per caller across routes and ports, keyed by sub (not address)', async () => {
    await guard.canActivate((await http('/v1/orders', { sub: 'alice', ip: '10.0.0.1' })).context);
    await guard.canActivate((await http('/v1/orders/x', { sub: 'alice', ip: '10.0.0.2', handler: 'get' })).context);
    await guard.canActivate(await grpc('alice', 'ipv4:10.0.0.3:1'));
    const error = await refused(guard.canActivate(await grpc('alice')));
    expect(error.reason).toBe(RATE_LIMITED);
    // Same address, another customer: a budget of its own.
    await expect(guard.canActivate((await http('/v1/orders', { sub: 'bob', ip: '10.0.0.1' })).context)).resolves.toBe(true);
  });

  it('anonymous calls (public routes) are keyed by client address, IPv4 and IPv6 peers alike', async () => {
    for (let i = 0; i < LIMIT; i++) await guard.canActivate((await http('/api/orders/create', { ip: '192.0.2.7' })).context);
    await expect(refused(guard.canActivate((await http('/api/orders/create', { ip: '192.0.2.7' })).context))).resolves.toMatchObject({ reason: RATE_LIMITED });
    await expect(guard.canActivate((await http('/api/orders/create', { ip: '192.0.2.8' })).context)).resolves.toBe(true);
    for (let i = 0; i < LIMIT; i++) await guard.canActivate(await grpc(undefined, 'ipv6:[2001:db8::1]:5000'));
    await expect(refused(guard.canActivate(await grpc(undefined, 'ipv6:[2001:db8::2]:5001')))).resolves.toMatchObject({ reason: RATE_LIMITED });
  });

  it('probes, metrics, the OpenAPI document, @SkipRateLimit handlers, service callers and message consumers are exempt', async () => {
    for (let i = 0; i < 3 * LIMIT; i++) {
      for (const url of ['/health/live', '/health/ready?x=1', '/metrics', '/v1/openapi.json']) {
        await expect(guard.canActivate((await http(url, { ip: '10.9.9.9' })).context)).resolves.toBe(true);
      }
      await expect(guard.canActivate((await http('/internal/gateway/callbacks', { ip: '10.9.9.9', handler: 'callback' })).context)).resolves.toBe(true);
      await expect(guard.canActivate(await grpc('order-service', undefined, ['service']))).resolves.toBe(true);
      const consumer = { getType: () => 'rpc', getHandler: () => Handlers.prototype.get, getClass: () => Handlers, switchToRpc: () => ({ getContext: () => ({ ack: () => 0 }) }) };
      await expect(guard.canActivate(consumer as unknown as ExecutionContext)).resolves.toBe(true);
    }
    // An admin is limited like everybody else.
    for (let i = 0; i < LIMIT; i++) await guard.canActivate(await grpc('root', undefined, ['admin']));
    await expect(refused(guard.canActivate(await grpc('root', undefined, ['admin'])))).resolves.toMatchObject({ reason: RATE_LIMITED });
  });
});

describe('RateLimitModule', () => {
  it('registers the guard with the limit, or nothing when the limit is 0 (OMS_RATE_LIMIT_PER_MINUTE=0)', () => {
    expect(RateLimitModule.forRoot(0)).toEqual({ module: RateLimitModule });
    const on = RateLimitModule.forRoot(600);
    expect(on.providers).toEqual([expect.objectContaining({ useClass: RateLimitGuard })]);
    expect(on.imports).toHaveLength(1);
  });
});
