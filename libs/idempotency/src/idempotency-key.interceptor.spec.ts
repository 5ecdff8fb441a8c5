import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Metadata } from '@grpc/grpc-js';
import { ApiError } from '#libs/errors';
import { RequestContext, type RequestContextData } from '#libs/observability';
import { firstValueFrom, of } from 'rxjs';
import { Idempotent, IdempotencyKeyInterceptor, IDEMPOTENCY_HEADER } from './idempotency-key.interceptor.js';

class Controller {
  @Idempotent()
  create(): string {
    return 'created';
  }

  read(): string {
    return 'read';
  }
}

function httpContext(handler: () => unknown, headers: Record<string, unknown>): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => Controller,
    switchToHttp: () => ({ getRequest: () => ({ headers }) }),
  } as unknown as ExecutionContext;
}

function rpcContext(handler: () => unknown, metadata: Metadata): ExecutionContext {
  return {
    getType: () => 'rpc',
    getHandler: () => handler,
    getClass: () => Controller,
    switchToRpc: () => ({ getContext: () => metadata, getData: () => ({}) }),
  } as unknown as ExecutionContext;
}

const next: CallHandler = { handle: () => of('handled') };
const interceptor = new IdempotencyKeyInterceptor(new Reflector());

async function intercept(context: ExecutionContext): Promise<RequestContextData> {
  const data: RequestContextData = { correlationId: 'c' };
  await RequestContext.run(data, () => firstValueFrom(interceptor.intercept(context, next)));
  return data;
}

describe('IdempotencyKeyInterceptor', () => {
  it('reads the header of an @Idempotent HTTP handler into the request context', async () => {
    const data = await intercept(httpContext(Controller.prototype.create, { [IDEMPOTENCY_HEADER]: 'key-1' }));
    expect(data.idempotencyKey).toBe('key-1');
  });

  it('reads the metadata of an @Idempotent gRPC handler into the request context', async () => {
    const metadata = new Metadata();
    metadata.set('idempotency-key', 'key-2');
    const data = await intercept(rpcContext(Controller.prototype.create, metadata));
    expect(data.idempotencyKey).toBe('key-2');
  });

  it('leaves the context alone when the key is absent', async () => {
    expect((await intercept(httpContext(Controller.prototype.create, {}))).idempotencyKey).toBeUndefined();
    expect((await intercept(rpcContext(Controller.prototype.create, new Metadata()))).idempotencyKey).toBeUndefined();
  });

  it('rejects a malformed key with INVALID_ARGUMENT before the handler runs', () => {
    let handled = false;
    const spyNext: CallHandler = {
      handle: () => {
        handled = true;
        return of('handled');
      },
    };
    const context = httpContext(Controller.prototype.create, { [IDEMPOTENCY_HEADER]: 'k'.repeat(256) });

    let thrown: unknown;
    RequestContext.run({ correlationId: 'c' }, () => {
      try {
        interceptor.intercept(context, spyNext);
      } catch (error) {
        thrown = error;
      }
    });

    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).status).toBe('INVALID_ARGUMENT');
    expect((thrown as ApiError).fieldViolations[0]!.field).toBe('idempotency-key');
    expect(handled).toBe(false);
  });

  it('rejects an empty gRPC key', () => {
    const metadata = new Metadata();
    metadata.set('idempotency-key', '');
    expect(() => RequestContext.run({ correlationId: 'c' }, () => interceptor.intercept(rpcContext(Controller.prototype.create, metadata), next))).toThrow(
      ApiError,
    );
  });

  it('ignores the key (even a malformed one) on handlers not marked @Idempotent', async () => {
    const data = await intercept(httpContext(Controller.prototype.read, { [IDEMPOTENCY_HEADER]: '' }));
    expect(data.idempotencyKey).toBeUndefined();
  });
});
