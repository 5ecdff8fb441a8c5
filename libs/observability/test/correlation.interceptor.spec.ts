import { setTimeout as sleep } from 'node:timers/promises';
import { Metadata } from '@grpc/grpc-js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { CORRELATION_ID_HEADER, CorrelationInterceptor, RequestContext, correlationIdOf, seedRequestContext, type RequestContextData } from '../src/index.js';

@Controller()
class ProbeController {
  /** Reads the context after an await, to prove the handler runs inside the ALS scope. */
  @Get('probe')
  async probe(): Promise<{ correlationId?: string }> {
    await sleep(1);
    return { correlationId: RequestContext.correlationId() };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('CorrelationInterceptor (HTTP, Fastify)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: CorrelationInterceptor }],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await (app as INestApplication | undefined)?.close();
  });

  const get = (headers: Record<string, string> = {}) =>
    app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/probe', headers });

  it('echoes a valid incoming id and exposes it to the handler', async () => {
    const res = await get({ [CORRELATION_ID_HEADER]: 'req-42:a.b_c' });
    expect(res.statusCode).toBe(200);
    expect(res.headers[CORRELATION_ID_HEADER]).toBe('req-42:a.b_c');
    expect(res.json()).toEqual({ correlationId: 'req-42:a.b_c' });
  });

  it('generates a UUID when the header is absent', async () => {
    const res = await get();
    const id = res.headers[CORRELATION_ID_HEADER];
    expect(id).toMatch(UUID);
    expect(res.json()).toEqual({ correlationId: id });
  });

  it('replaces an invalid id instead of rejecting the request', async () => {
    const res = await get({ [CORRELATION_ID_HEADER]: 'bad id with spaces' });
    expect(res.statusCode).toBe(200);
    expect(res.headers[CORRELATION_ID_HEADER]).toMatch(UUID);
  });

  it('replaces an id longer than 128 characters', async () => {
    const res = await get({ [CORRELATION_ID_HEADER]: 'a'.repeat(129) });
    expect(res.headers[CORRELATION_ID_HEADER]).toMatch(UUID);
  });

  it('keeps concurrent requests apart', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `c-${i}`);
    const results = await Promise.all(ids.map((id) => get({ [CORRELATION_ID_HEADER]: id })));
    expect(results.map((r) => r.json().correlationId)).toEqual(ids);
  });
});

describe('CorrelationInterceptor (gRPC context, no pre-request hook)', () => {
  /** Nest 12 calls unary gRPC handlers with (request, metadata, call); the call sends metadata. */
  function grpcCall(incoming?: string): { ctx: ExecutionContextHost; sent: Metadata[] } {
    const md = new Metadata();
    if (incoming !== undefined) md.set(CORRELATION_ID_HEADER, incoming);
    const sent: Metadata[] = [];
    const call = { metadata: md, sendMetadata: (m: Metadata) => sent.push(m) };
    const ctx = new ExecutionContextHost([{}, md, call]);
    ctx.setType('rpc');
    return { ctx, sent };
  }

  const runHandler = (ctx: ExecutionContextHost) =>
    lastValueFrom<RequestContextData | undefined>(
      new CorrelationInterceptor().intercept(ctx, {
        handle: () =>
          defer(async () => {
            await sleep(1);
            return RequestContext.current();
          }),
      }) as Observable<RequestContextData | undefined>,
    );

  it('reads the id from metadata, runs the handler in context and echoes it once', async () => {
    const { ctx, sent } = grpcCall('grpc-7');
    // A guard ran first: it saw the same id and contributed the subject before the context existed.
    expect(correlationIdOf(ctx)).toBe('grpc-7');
    seedRequestContext(ctx, { subject: 'alice' });
    await expect(runHandler(ctx)).resolves.toEqual({ correlationId: 'grpc-7', subject: 'alice', traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.get(CORRELATION_ID_HEADER)).toEqual(['grpc-7']);
  });

  it('generates an id when the metadata has none or an invalid one', async () => {
    for (const incoming of [undefined, '', 'white space']) {
      const { ctx, sent } = grpcCall(incoming);
      const data = await runHandler(ctx);
      expect(data?.correlationId).toMatch(UUID);
      expect(sent[0]!.get(CORRELATION_ID_HEADER)).toEqual([data?.correlationId]);
    }
  });
});
