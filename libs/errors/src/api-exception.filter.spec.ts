import { Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { Metadata, status as grpcStatus } from '@grpc/grpc-js';
import { googleRpc } from '#libs/contracts';
import { DomainError } from '#libs/ddd';
import { firstValueFrom, isObservable, type Observable } from 'rxjs';
import { ApiExceptionFilter } from './api-exception.filter.js';
import { ErrorTranslator } from './error-translator.js';

class OrderNotFound extends DomainError {
  readonly code = 'ORDER_NOT_FOUND';
}

class FakeReply {
  statusCode?: number;
  headers: Record<string, string> = {};
  body?: unknown;
  sent = 0;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }

  send(body: unknown): void {
    this.body = body;
    this.sent++;
  }
}

function httpHost(reply: FakeReply): ArgumentsHost {
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({}), getNext: () => undefined }),
  } as unknown as ArgumentsHost;
}

function rpcHost(): ArgumentsHost {
  return {
    getType: () => 'rpc',
    switchToHttp: () => {
      throw new Error('an rpc error must not be written to an HTTP reply');
    },
  } as unknown as ArgumentsHost;
}

async function rejection(result: Observable<never> | void): Promise<{ code: number; details: string; metadata: Metadata }> {
  expect(isObservable(result)).toBe(true);
  return firstValueFrom(result as Observable<never>).then(
    () => {
      throw new Error('expected the observable to error');
    },
    (error: { code: number; details: string; metadata: Metadata }) => error,
  );
}

describe('ApiExceptionFilter', () => {
  const filter = new ApiExceptionFilter(new ErrorTranslator({ ORDER_NOT_FOUND: 'NOT_FOUND' }));

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  it('HTTP: writes the AIP-193 body with the status of the code, as JSON', () => {
    const reply = new FakeReply();
    filter.catch(new OrderNotFound('order o1 not found', { orderId: 'o1' }), httpHost(reply));

    expect(reply.sent).toBe(1);
    expect(reply.statusCode).toBe(404);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.body).toStrictEqual({
      error: {
        code: 404,
        status: 'NOT_FOUND',
        message: 'order o1 not found',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ORDER_NOT_FOUND', domain: 'oms.v1', metadata: { orderId: 'o1' } },
        ],
      },
    });
  });

  it('HTTP: an unknown error is a 500 with nothing of the original in the body', () => {
    const reply = new FakeReply();
    filter.catch(new Error('relation "order_service.orders" does not exist: SELECT * FROM order_service.orders'), httpHost(reply));

    expect(reply.statusCode).toBe(500);
    expect(reply.body).toStrictEqual({ error: { code: 500, status: 'INTERNAL', message: 'internal error', details: [] } });
  });

  it('HTTP: a router 404 stays a 404', () => {
    const reply = new FakeReply();
    filter.catch(new NotFoundException('Cannot GET /v1/nope'), httpHost(reply));
    expect(reply.statusCode).toBe(404);
    expect((reply.body as { error: { status: string } }).error.status).toBe('NOT_FOUND');
  });

  it('HTTP: a body over the limit is a 413 AIP-193 body, RESOURCE_EXHAUSTED', () => {
    const reply = new FakeReply();
    const fastify = Object.assign(new Error('Request body is too large'), { name: 'FastifyError', code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    filter.catch(fastify, httpHost(reply));
    expect(reply.statusCode).toBe(413);
    expect(reply.body).toStrictEqual({
      error: {
        code: 413,
        status: 'RESOURCE_EXHAUSTED',
        message: 'the request body exceeds the size limit',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'PAYLOAD_TOO_LARGE', domain: 'oms.v1', metadata: {} }],
      },
    });
  });

  it('gRPC: returns an erroring observable with the numeric code and google.rpc.Status trailers', async () => {
    const error = await rejection(filter.catch(new OrderNotFound('order o1 not found', { orderId: 'o1' }), rpcHost()));

    expect(error.code).toBe(grpcStatus.NOT_FOUND);
    expect(error.details).toBe('order o1 not found');
    const status = googleRpc.Status.decode(error.metadata.get('grpc-status-details-bin')[0] as Buffer);
    expect(status.code).toBe(grpcStatus.NOT_FOUND);
    expect(googleRpc.ErrorInfo.decode(status.details[0]!.value)).toEqual({
      reason: 'ORDER_NOT_FOUND',
      domain: 'oms.v1',
      metadata: { orderId: 'o1' },
    });
  });

  it('gRPC: an unknown error is INTERNAL with a generic message', async () => {
    const error = await rejection(filter.catch(new Error('password authentication failed for user "oms"'), rpcHost()));
    expect(error.code).toBe(grpcStatus.INTERNAL);
    expect(error.details).toBe('internal error');
  });
});
