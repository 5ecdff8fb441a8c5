import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { ApiError } from '#libs/errors';
import { of } from 'rxjs';
import { MalformedGrpcRequest, MAX_REQUEST_DEPTH, RequestSanityInterceptor, requestProblem, tolerateMalformedGrpcRequests } from './request-sanity.js';

describe('requestProblem', () => {
  it('accepts ordinary requests, emoji and other scripts included', () => {
    expect(requestProblem({ items: [{ sku: 'P001', qty: 1 }], reason: 'zu spät 📦 — 注文', customerId: 'alice' })).toBeUndefined();
    expect(requestProblem(undefined)).toBeUndefined();
    expect(requestProblem(Buffer.from([0, 0xff]))).toBeUndefined();
  });

  it.each([
    [{ id: 'a\u0000b' }, 'id', /NUL/],
    [{ items: [{ sku: 'P\uFFFD1' }] }, 'items[0].sku', /valid UTF-8/],
    [{ reason: 'x\uD800' }, 'reason', /unpaired surrogate/],
    [{ reason: '\uDC00x' }, 'reason', /unpaired surrogate/],
    [{ nested: { 'k\u0000': 1 } }, 'nested', /field name/],
  ])('%j: %s', (value, field, description) => {
    const problem = requestProblem(value);
    expect(problem?.field).toBe(field);
    expect(problem?.description).toMatch(description);
  });

  it(`refuses nesting deeper than ${MAX_REQUEST_DEPTH}, iteratively (no stack overflow at 1e6 levels)`, () => {
    let deep: unknown = [];
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(requestProblem({ items: deep })?.description).toMatch(/nests deeper/);
    let fine: unknown = 'x';
    for (let i = 0; i < MAX_REQUEST_DEPTH - 1; i++) fine = [fine];
    expect(requestProblem(fine)).toBeUndefined();
  });

  it('reads objects without Object.prototype (Fastify query and params)', () => {
    const query = Object.assign(Object.create(null) as object, { pageToken: 'a\u0000' });
    expect(requestProblem(query)?.field).toBe('pageToken');
  });
});

describe('tolerateMalformedGrpcRequests', () => {
  it('turns a decoding failure of the listed packages into a MalformedGrpcRequest, leaving others alone', () => {
    const failing = (_bytes: Buffer): never => {
      throw new Error('index out of range');
    };
    const pkg = {
      'oms.v1.OrderService': { GetOrder: { path: '/oms.v1.OrderService/GetOrder', requestDeserialize: failing } },
      'grpc.health.v1.Health': { Check: { path: '/grpc.health.v1.Health/Check', requestDeserialize: failing } },
      'oms.v1.Order': { format: 'Protocol Buffer 3 DescriptorProto', type: {} },
    };
    tolerateMalformedGrpcRequests(pkg, ['oms.v1']);
    expect(pkg['oms.v1.OrderService'].GetOrder.requestDeserialize(Buffer.from([0xff]))).toEqual(new MalformedGrpcRequest('/oms.v1.OrderService/GetOrder'));
    expect(() => pkg['grpc.health.v1.Health'].Check.requestDeserialize(Buffer.from([0xff]))).toThrow('index out of range');
  });
});

describe('RequestSanityInterceptor', () => {
  const interceptor = new RequestSanityInterceptor();
  const next: CallHandler = { handle: () => of('handled') };
  const rpc = (data: unknown, ctx: unknown = new Metadata()): ExecutionContext =>
    ({ getType: () => 'rpc', switchToRpc: () => ({ getContext: () => ctx, getData: () => data }) }) as unknown as ExecutionContext;
  const http = (req: object): ExecutionContext =>
    ({ getType: () => 'http', switchToHttp: () => ({ getRequest: () => req }) }) as unknown as ExecutionContext;
  const refusal = (context: ExecutionContext): ApiError => {
    try {
      interceptor.intercept(context, next);
    } catch (error) {
      return error as ApiError;
    }
    throw new Error('accepted');
  };

  it('gRPC: a malformed message is INVALID_ARGUMENT naming the method', () => {
    const error = refusal(rpc(new MalformedGrpcRequest('/oms.v1.OrderService/GetOrder')));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('the request is not a valid protobuf message for /oms.v1.OrderService/GetOrder');
  });

  it('HTTP: path parameters, query and body are checked, with field paths', () => {
    expect(refusal(http({ params: { id: 'a\u0000' }, query: {}, body: {} })).fieldViolations).toEqual([{ field: 'id', description: 'must not contain the NUL character' }]);
    expect(refusal(http({ params: {}, query: {}, body: { items: [{ sku: '\uD800' }] } })).fieldViolations[0]?.field).toBe('items[0].sku');
  });

  it('lets sane requests and other transports (message consumers) through', () => {
    expect(interceptor.intercept(http({ params: { id: 'o1' }, query: {}, body: { reason: 'ok' } }), next)).toBeDefined();
    expect(interceptor.intercept(rpc({ id: 'a\u0000' }, { ack: () => undefined }), next)).toBeDefined();
  });
});
