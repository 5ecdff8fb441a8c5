import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExecutionContext } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import type { RequestContextData } from './request-context.js';
import { childTraceparent } from './trace-context.js';

/** Header (HTTP) and metadata key (gRPC) carrying the correlation id, both ways. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Whether `value` is acceptable as an incoming correlation id (1..128 of `[A-Za-z0-9._:-]`). */
export function isValidCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && CORRELATION_ID_PATTERN.test(value);
}

/** A fresh correlation id (UUID v4). */
export function newCorrelationId(): string {
  return randomUUID();
}

/**
 * Everything remembered about one request between the stages that see it (middleware or
 * pre-request hook, guards, interceptor). Keyed by an object that every stage can reach: the raw
 * HTTP request, or the gRPC `Metadata` of the call.
 */
interface RequestState {
  correlationId: string;
  echoed: boolean;
  /** Fields contributed before a context existed (e.g. by the auth guard). */
  seed: Partial<RequestContextData>;
  /** The context opened for this request, once one is. */
  context?: RequestContextData;
}

const states = new WeakMap<object, RequestState>();

type HeaderBag = Record<string, string | string[] | undefined>;
type HttpRequestLike = { headers?: HeaderBag; raw?: { headers?: HeaderBag } };
type HttpResponseLike = {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
  sent?: boolean;
  headersSent?: boolean;
  raw?: { headersSent?: boolean };
};
type GrpcCallLike = { sendMetadata?: (md: Metadata) => void };

function firstHeader(headers: HeaderBag | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

function firstMetadata(md: Metadata, key: string): string | undefined {
  const value = md.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

function isMetadata(value: unknown): value is Metadata {
  // Duck-typed as well, in case a second copy of grpc-js ever sneaks into the tree.
  return (
    value instanceof Metadata ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as Metadata).get === 'function' &&
      typeof (value as Metadata).getMap === 'function')
  );
}

function newState(incoming: string | undefined, traceparent?: string, idempotencyKey?: string): RequestState {
  // The request is a span of its own: a child of the caller's, or the root of a new trace.
  const seed: Partial<RequestContextData> = { traceparent: childTraceparent(traceparent) };
  if (idempotencyKey) seed.idempotencyKey = idempotencyKey;
  // An unusable id is replaced rather than rejected: tracing must never fail a request.
  return { correlationId: isValidCorrelationId(incoming) ? incoming : newCorrelationId(), echoed: false, seed };
}

/** State of a raw HTTP request (`IncomingMessage`, or Fastify's `request.raw`). */
function httpState(rawRequest: object & { headers?: HeaderBag }): RequestState {
  let state = states.get(rawRequest);
  if (!state) {
    const h = rawRequest.headers;
    state = newState(firstHeader(h, CORRELATION_ID_HEADER), firstHeader(h, 'traceparent'), firstHeader(h, 'idempotency-key'));
    states.set(rawRequest, state);
  }
  return state;
}

function grpcState(md: Metadata): RequestState {
  let state = states.get(md);
  if (!state) {
    state = newState(firstMetadata(md, CORRELATION_ID_HEADER), firstMetadata(md, 'traceparent'), firstMetadata(md, 'idempotency-key'));
    states.set(md, state);
  }
  return state;
}

/** The state of `context`'s request, keyed by the raw HTTP request or the gRPC call's Metadata. */
function stateOf(context: ExecutionContext): RequestState {
  if (context.getType() === 'http') {
    const req = context.switchToHttp().getRequest<HttpRequestLike & object>();
    // Fastify wraps the raw request; middleware and pino-http only ever see the raw one.
    return httpState(req.raw ?? req);
  }
  const rpcContext: unknown = context.switchToRpc().getContext();
  if (isMetadata(rpcContext)) return grpcState(rpcContext);
  // Other transports: no incoming id to read, but still one id per message context object.
  if (typeof rpcContext !== 'object' || rpcContext === null) return newState(undefined);
  let state = states.get(rpcContext);
  if (!state) {
    state = newState(undefined);
    states.set(rpcContext, state);
  }
  return state;
}

function echo(context: ExecutionContext, state: RequestState): void {
  if (state.echoed) return;
  if (context.getType() === 'http') {
    const res = context.switchToHttp().getResponse<HttpResponseLike>();
    if (!res || res.sent || res.headersSent || res.raw?.headersSent) return;
    if (typeof res.header === 'function') res.header(CORRELATION_ID_HEADER, state.correlationId);
    else if (typeof res.setHeader === 'function') res.setHeader(CORRELATION_ID_HEADER, state.correlationId);
    else return;
    state.echoed = true;
    return;
  }
  // Nest 12 calls unary and server-streaming gRPC handlers with (request, metadata, call).
  const call = context.getArgByIndex<GrpcCallLike | undefined>(2);
  if (call && typeof call.sendMetadata === 'function') {
    const md = new Metadata();
    md.set(CORRELATION_ID_HEADER, state.correlationId);
    // Initial metadata goes out now, so even an error status later (auth failure included)
    // reaches the client with the id; grpc-js ignores any later sendMetadata.
    call.sendMetadata(md);
    state.echoed = true;
  }
}

/**
 * The correlation id of the request behind `context` (HTTP or gRPC), read from
 * `x-correlation-id` (replaced by a new UUID when absent or not 1..128 of `[A-Za-z0-9._:-]`).
 *
 * Works at any stage, guards included (Nest runs guards before interceptors): the first call
 * decides the id and caches it on the request, later calls return the same value. The first call
 * also echoes it (HTTP response header, gRPC initial metadata) so every response carries it, an
 * early 401 included.
 */
export function correlationIdOf(context: ExecutionContext): string {
  const state = stateOf(context);
  echo(context, state);
  return state.correlationId;
}

/**
 * Correlation id of a raw Node HTTP request, shared with {@link correlationIdOf} (same cache),
 * for code that runs before Nest builds an `ExecutionContext`: HTTP middleware and pino-http's
 * `genReqId`. Echoes it on `res` when given.
 */
export function correlationIdOfRawRequest(req: IncomingMessage, res?: ServerResponse): string {
  const state = httpState(req);
  if (res && !state.echoed && !res.headersSent) {
    res.setHeader(CORRELATION_ID_HEADER, state.correlationId);
    state.echoed = true;
  }
  return state.correlationId;
}

/**
 * Adds fields to the request context of `context`'s request whether or not that context has been
 * opened yet: they are applied to the open context now, or to the context when it is opened. This
 * is how a guard (which runs before interceptors) contributes `subject`/`roles`.
 */
export function seedRequestContext(context: ExecutionContext, partial: Partial<RequestContextData>): void {
  const state = stateOf(context);
  Object.assign(state.seed, partial);
  if (state.context) Object.assign(state.context, partial);
}

/**
 * The context object of `context`'s request: the one already opened for it (by the middleware or
 * pre-request hook), or a new one built from its correlation id and seeded fields.
 * @internal used by the pre-request hook and the interceptor.
 */
export function requestContextFor(context: ExecutionContext): RequestContextData {
  const state = stateOf(context);
  echo(context, state);
  state.context ??= { ...state.seed, correlationId: state.correlationId };
  return state.context;
}

/** Same as {@link requestContextFor} for a raw HTTP request (middleware). @internal */
export function requestContextForRawRequest(req: IncomingMessage, res?: ServerResponse): RequestContextData {
  correlationIdOfRawRequest(req, res);
  const state = httpState(req);
  state.context ??= { ...state.seed, correlationId: state.correlationId };
  return state.context;
}
