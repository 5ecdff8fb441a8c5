import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod, type ExecutionContext } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { correlationIdOf, correlationIdOfRawRequest } from './correlation-id.js';
import { traceIdsOf } from './trace-context.js';
import { RequestContext } from './request-context.js';

/** Options of `ObservabilityLoggerModule.forRoot`. */
export interface ObservabilityLoggerOptions {
  /** Service name, put on every line as `service`. */
  service: string;
  /** pino level; defaults to `LOG_LEVEL`, then `info`. `silent` turns logging off. */
  level?: string;
  /** Destination instead of stdout (tests capture lines with it). */
  stream?: DestinationStream;
  /** One line per HTTP request / gRPC call on completion (default true). */
  autoLogging?: boolean;
}

/**
 * Every HTTP route. nestjs-pino's own default (`{/*splat}`) matches nothing on Nest 12.5's
 * Fastify adapter, so its middleware would silently never run. The leading slash makes Nest treat
 * this as a wildcard, so it also mounts it on routes excluded from a global prefix.
 */
export const ALL_ROUTES = { path: '/{*splat}', method: RequestMethod.ALL };

/** Keys whose values are card data or secrets, redacted up to three levels deep in a logged object. */
const SENSITIVE_KEYS = ['cardNumber', 'card_number', 'cvv', 'paymentDetails', 'payment_details'];

/**
 * pino's `*.key` matches exactly one level, so each key is listed at depths 0..3: deep enough for
 * `{ request: { payment_details: ... } }` shapes without costing much per line.
 */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  ...SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
];

const chindings = pino.symbols.chindingsSym;

/**
 * Adds the request context to every line. `correlationId` is skipped when the logger already binds
 * it (pino-http's request logger does, via `customProps`), so it never appears twice in a line.
 */
function contextMixin(_merge: object, _level: number, logger: Logger): object {
  const ctx = RequestContext.current();
  if (!ctx) return {};
  const fields: Record<string, string> = {};
  const bound = (logger as unknown as Record<symbol, unknown>)[chindings];
  if (typeof bound !== 'string' || !bound.includes('"correlationId":')) fields.correlationId = ctx.correlationId;
  if (ctx.orderId) fields.orderId = ctx.orderId;
  const trace = traceIdsOf(ctx.traceparent);
  if (trace) {
    fields.traceId = trace.traceId;
    fields.spanId = trace.spanId;
  }
  return fields;
}

/** Builds the nestjs-pino parameters: one pino logger shared by HTTP and microservice logging. */
export function buildLoggerParams(options: ObservabilityLoggerOptions): Params {
  const pinoHttp: PinoHttpOptions<IncomingMessage, ServerResponse> = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: contextMixin,
    redact: { paths: [...REDACTED_PATHS], censor: '[REDACTED]' },
    // Same cache as correlationIdOf, so pino-http's req.id is the request's correlation id.
    genReqId: (req, res) => correlationIdOfRawRequest(req, res),
    customProps: (req) => ({ correlationId: correlationIdOfRawRequest(req) }),
    autoLogging: options.autoLogging ?? true,
  };
  return {
    pinoHttp: options.stream ? [pinoHttp, options.stream] : pinoHttp,
    forRoutes: [ALL_ROUTES],
    microservice: {
      autoLogging: options.autoLogging ?? true,
      genReqId: (context: ExecutionContext) => correlationIdOf(context),
      customProps: (context: ExecutionContext) => ({ correlationId: correlationIdOf(context) }),
    },
  };
}
