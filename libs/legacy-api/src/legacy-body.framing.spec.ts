import { jest } from '@jest/globals';
import { BadRequestException, Body, Catch, Controller, HttpCode, HttpException, Post } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { installLegacyBodyFraming } from './legacy-body.framing.js';
import { LegacyExceptionFilter, LegacyRoute } from './legacy-exception.filter.js';
import type { LegacyFailure } from './legacy-route.js';

@Catch()
class ProbeLegacyFilter extends LegacyExceptionFilter {
  protected override toLegacyFailure(exception: unknown): LegacyFailure {
    return exception instanceof HttpException ? { status: exception.getStatus(), message: exception.message } : { status: 500, message: 'internal error' };
  }
}

@Controller()
class ProbeController {
  @Post('legacy')
  @HttpCode(200)
  @LegacyRoute(ProbeLegacyFilter, { failure: { locked: false } })
  legacy(@Body() body: unknown): { received: unknown } {
    return { received: body ?? null };
  }

  @Post('legacy-small')
  @HttpCode(200)
  @LegacyRoute(ProbeLegacyFilter, { bodyLimit: 16 })
  small(@Body() body: unknown): { received: unknown } {
    return { received: body ?? null };
  }

  @Post('legacy-refusing')
  @LegacyRoute(ProbeLegacyFilter, { failure: { paymentStatus: 'failed' } })
  refusing(): never {
    throw new BadRequestException('orderId is required');
  }

  @Post('v1')
  @HttpCode(200)
  v1(@Body() body: unknown): { received: unknown } {
    return { received: body ?? null };
  }
}

describe('legacy body framing', () => {
  let app: NestFastifyApplication;
  const post = (url: string, payload?: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    app.getHttpAdapter().getInstance().inject({ method: 'POST', url, payload, headers });

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    installLegacyBodyFraming(app.getHttpAdapter().getInstance());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('hands a good JSON body on unchanged', async () => {
    const res = await post('/legacy', '{"orderId":"ORD1","items":[{"productId":"P001","quantity":2}]}', { 'content-type': 'application/json; charset=utf-8' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: { orderId: 'ORD1', items: [{ productId: 'P001', quantity: 2 }] } });
  });

  it('leaves a request without a body to the route', async () => {
    const res = await post('/legacy', undefined, {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: null });
  });

  it.each<[string, string | undefined, Record<string, string>, number, string]>([
    ['malformed JSON', '{"items": [', { 'content-type': 'application/json' }, 400, 'the request body is not valid JSON'],
    ['an empty JSON body', '', { 'content-type': 'application/json', 'content-length': '0' }, 400, 'the request body must be a JSON object'],
    ['a body that is not JSON', '<order/>', { 'content-type': 'application/xml' }, 415, 'the request body must be JSON (Content-Type: application/json)'],
    ['prototype keys', '{"__proto__":{"admin":true}}', { 'content-type': 'application/json' }, 400, 'the request body must not contain __proto__ or constructor.prototype keys'],
    ['a body over 64 KiB', JSON.stringify({ pad: 'x'.repeat(70 * 1024) }), { 'content-type': 'application/json' }, 413, 'the request body exceeds 65536 bytes'],
  ])('answers %s in the legacy shape with the route’s failure field', async (_case, payload, headers, status, message) => {
    const res = await post('/legacy', payload, headers);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({ code: status, message, locked: false });
  });

  it('closes the connection after refusing an oversized body', async () => {
    const res = await post('/legacy', JSON.stringify({ pad: 'x'.repeat(70 * 1024) }));
    expect(res.headers.connection).toBe('close');
  });

  it('applies the route’s own body limit', async () => {
    const res = await post('/legacy-small', '{"message":"longer than sixteen bytes"}');
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ code: 413, message: 'the request body exceeds 16 bytes' });
    expect((await post('/legacy-small', '{"a":1}')).json()).toEqual({ received: { a: 1 } });
  });

  it('leaves routes without the marker to Fastify and the global filter', async () => {
    const res = await post('/v1', '{"items": [');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400 });
    expect(res.json()).not.toHaveProperty('code');
  });

  it('has the filter answer failures of the route as {code, message, ...failure}', async () => {
    const res = await post('/legacy-refusing', '{}');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 400, message: 'orderId is required', paymentStatus: 'failed' });
  });

  it('is installed once per Fastify instance and ignores anything else', () => {
    const fastify = { initialConfig: {}, addHook: jest.fn() };
    installLegacyBodyFraming(fastify);
    installLegacyBodyFraming(fastify);
    expect(fastify.addHook).toHaveBeenCalledTimes(1);
    expect(() => installLegacyBodyFraming(undefined)).not.toThrow();
    expect(() => installLegacyBodyFraming({})).not.toThrow();
  });
});
