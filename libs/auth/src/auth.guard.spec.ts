import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Metadata } from '@grpc/grpc-js';
import { AuthenticationError } from './auth.errors.js';
import { JwtAuthGuard } from './auth.guard.js';
import { signDevToken } from './dev-token.js';
import { JwtVerifier } from './jwt-verifier.js';

const SECRET = 'guard-spec-secret-with-enough-entropy-012';

class Handlers {
  customerRoute(): void {}
}

/**
 * An HTTP context whose header bag records every header the guard reads, so a test can prove
 * which ones it never touches.
 */
function httpContext(headers: Record<string, string>, handler: keyof Handlers = 'customerRoute'): { context: ExecutionContext; read: Set<string>; request: object } {
  const read = new Set<string>();
  const bag = new Proxy(headers, {
    get(target, key) {
      if (typeof key === 'string') read.add(key.toLowerCase());
      return Reflect.get(target, key);
    },
    has(target, key) {
      if (typeof key === 'string') read.add(key.toLowerCase());
      return Reflect.has(target, key);
    },
  });
  const request = { headers: bag, cookies: new Proxy({}, { get: (_t, key) => (read.add(`cookies.${String(key)}`), undefined) }) };
  const context = {
    getType: () => 'http',
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
  return { context, read, request };
}

function rpcContext(metadata: Metadata, handler: keyof Handlers = 'customerRoute'): ExecutionContext {
  return {
    getType: () => 'rpc',
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToRpc: () => ({ getContext: () => metadata, getData: () => ({}) }),
  } as unknown as ExecutionContext;
}

const guard = new JwtAuthGuard(new JwtVerifier({ hs256Secret: SECRET }), new Reflector());
const token = (sub: string, roles: string[] = []): Promise<string> => signDevToken({ sub, roles, secret: SECRET });

/** The guard's Fastify-level behaviour (roles, public routes, gRPC) is in libs/auth/test/auth.guard.spec.ts. */
describe('JwtAuthGuard authenticates by bearer token only (CSRF)', () => {
  it('CSRF: a valid token in a cookie, under any usual name, does not authenticate', async () => {
    const jwt = await token('root', ['admin']);
    for (const cookie of [`token=${jwt}`, `access_token=${jwt}`, `authorization=Bearer%20${jwt}`, `jwt=${jwt}`, `session=${jwt}`]) {
      const { context } = httpContext({ cookie });
      await expect(guard.canActivate(context)).rejects.toBeInstanceOf(AuthenticationError);
    }
  });

  it('never reads the Cookie header or parsed cookies, whatever the request carries', async () => {
    const jwt = await token('alice');
    for (const headers of [{ cookie: `token=${jwt}` }, { cookie: `token=${jwt}`, authorization: `Bearer ${jwt}` }, { authorization: 'Bearer nope' }] as Record<string, string>[]) {
      const { context, read } = httpContext(headers);
      await guard.canActivate(context).catch(() => undefined);
      expect(read.has('authorization')).toBe(true);
      expect([...read].filter((key) => /cookie/i.test(key))).toEqual([]);
    }
  });

  it('no source file of libs/auth mentions cookies (outside tests)', () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) expect({ file, cookie: /cookie/i.test(readFileSync(join(dir, file), 'utf8')) }).toEqual({ file, cookie: false });
  });

  it('gRPC: a cookie metadata entry does not authenticate; an authorization entry does', async () => {
    const jwt = await token('alice');
    const withCookie = new Metadata();
    withCookie.set('cookie', `token=${jwt}`);
    await expect(guard.canActivate(rpcContext(withCookie))).rejects.toBeInstanceOf(AuthenticationError);
    const withBearer = new Metadata();
    withBearer.set('authorization', `Bearer ${jwt}`);
    await expect(guard.canActivate(rpcContext(withBearer))).resolves.toBe(true);
  });

  it('refuses other schemes and malformed bearer values', async () => {
    const jwt = await token('alice');
    for (const authorization of [`Basic ${jwt}`, `Token ${jwt}`, jwt, `Bearer`, `Bearer ${jwt} extra`, `Bearer ${jwt},${jwt}`]) {
      await expect(guard.canActivate(httpContext({ authorization }).context)).rejects.toBeInstanceOf(AuthenticationError);
    }
  });
});
