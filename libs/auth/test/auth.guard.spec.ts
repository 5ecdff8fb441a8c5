import { Metadata } from '@grpc/grpc-js';
import { Catch, Controller, Get, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { CorrelationInterceptor, RequestContext } from '#libs/observability';
import {
  AuthModule,
  AuthenticationError,
  CurrentPrincipal,
  JwtAuthGuard,
  JwtVerifier,
  PermissionDeniedError,
  Public,
  Roles,
  principalOf,
  signDevToken,
  type Principal,
} from '../src/index.js';

const SECRET = 'guard-test-secret-0123456789abcdef0123456789';

/** Stand-in for the app's global filter (not part of this lib): error code to HTTP status. */
@Catch(AuthenticationError, PermissionDeniedError)
class AuthErrorsToHttpFilter implements ExceptionFilter {
  catch(err: AuthenticationError | PermissionDeniedError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<{ status(code: number): { send(body: unknown): void } }>();
    reply.status(err instanceof AuthenticationError ? 401 : 403).send({ code: err.code, message: err.message });
  }
}

@Controller()
class ProbeController {
  @Get('me')
  me(@CurrentPrincipal() principal: Principal): { principal: Principal; contextSubject?: string; contextRoles?: string[] } {
    const ctx = RequestContext.current();
    return { principal, contextSubject: ctx?.subject, contextRoles: ctx?.roles };
  }

  @Public()
  @Get('health')
  health(): { ok: true } {
    return { ok: true };
  }

  @Roles('service')
  @Get('internal')
  internal(): { ok: true } {
    return { ok: true };
  }
}

@Public()
@Controller('open')
class OpenController {
  @Get()
  open(): { ok: true } {
    return { ok: true };
  }
}

describe('JwtAuthGuard (HTTP, Fastify)', () => {
  let app: NestFastifyApplication;
  const token = (sub: string, roles?: string[]) => signDevToken({ sub, roles, secret: SECRET });
  const get = (url: string, bearer?: string) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(new JwtVerifier({ hs256Secret: SECRET }))],
      controllers: [ProbeController, OpenController],
      providers: [
        { provide: APP_FILTER, useClass: AuthErrorsToHttpFilter },
        { provide: APP_INTERCEPTOR, useClass: CorrelationInterceptor },
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('refuses a request without a token with AuthenticationError (401 via the filter)', async () => {
    const res = await get('/me');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ code: 'UNAUTHENTICATED', message: 'missing or malformed bearer token' });
  });

  it('refuses an invalid token and a non-bearer scheme', async () => {
    expect((await get('/me', 'abc.def.ghi')).statusCode).toBe(401);
    const basic = await app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/me', headers: { authorization: `Basic ${await token('alice')}` } });
    expect(basic.statusCode).toBe(401);
  });

  it('refuses an expired token', async () => {
    const expired = await signDevToken({ sub: 'alice', ttlSec: -60, secret: SECRET });
    const res = await get('/me', expired);
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toBe('token expired');
  });

  it('accepts a valid token, exposes the principal and fills the request context', async () => {
    const res = await get('/me', await signDevToken({ sub: 'alice', email: 'a@x.io', secret: SECRET }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      principal: { subject: 'alice', roles: [], email: 'a@x.io', isAdmin: false, isService: false },
      contextSubject: 'alice',
      contextRoles: [],
    });
  });

  it('lets @Public() handlers and controllers through without a token', async () => {
    expect((await get('/health')).statusCode).toBe(200);
    expect((await get('/open')).statusCode).toBe(200);
  });

  it('@Roles refuses a customer token (403) and admits service and admin tokens', async () => {
    const customer = await get('/internal', await token('alice'));
    expect(customer.statusCode).toBe(403);
    expect(customer.json().code).toBe('PERMISSION_DENIED');
    expect((await get('/internal', await token('payment-svc', ['service']))).statusCode).toBe(200);
    expect((await get('/internal', await token('root', ['admin']))).statusCode).toBe(200);
  });
});

describe('JwtAuthGuard (gRPC context)', () => {
  const guard = new JwtAuthGuard(new JwtVerifier({ hs256Secret: SECRET }), new Reflector());

  class GrpcProbe {
    open(): void {}
    internal(): void {}
  }
  Public()(GrpcProbe.prototype, 'open', Object.getOwnPropertyDescriptor(GrpcProbe.prototype, 'open')!);
  Roles('service')(GrpcProbe.prototype, 'internal', Object.getOwnPropertyDescriptor(GrpcProbe.prototype, 'internal')!);

  /** What Nest 12 passes to a unary gRPC handler: (request, metadata, call). */
  function rpcContext(handler: () => void, md: Metadata): ExecutionContextHost {
    const ctx = new ExecutionContextHost([{}, md, { metadata: md, sendMetadata: () => undefined }], GrpcProbe, handler);
    ctx.setType('rpc');
    return ctx;
  }

  it('reads the bearer token from metadata and stores the principal per call', async () => {
    const md = new Metadata();
    md.set('authorization', `Bearer ${await signDevToken({ sub: 'alice', secret: SECRET })}`);
    const ctx = rpcContext(GrpcProbe.prototype.internal, md);
    await expect(guard.canActivate(ctx)).rejects.toBeInstanceOf(PermissionDeniedError);
    expect(principalOf(ctx)).toMatchObject({ subject: 'alice' });
    expect(principalOf(rpcContext(GrpcProbe.prototype.internal, new Metadata()))).toBeUndefined();
  });

  it('refuses a call without authorization metadata', async () => {
    await expect(guard.canActivate(rpcContext(GrpcProbe.prototype.internal, new Metadata()))).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it('admits a service token and @Public() methods', async () => {
    const md = new Metadata();
    md.set('authorization', `Bearer ${await signDevToken({ sub: 'svc', roles: ['service'], secret: SECRET })}`);
    await expect(guard.canActivate(rpcContext(GrpcProbe.prototype.internal, md))).resolves.toBe(true);
    await expect(guard.canActivate(rpcContext(GrpcProbe.prototype.open, new Metadata()))).resolves.toBe(true);
  });
});
