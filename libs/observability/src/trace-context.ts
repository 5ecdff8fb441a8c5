import { randomBytes } from 'node:crypto';
import { isSpanContextValid, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';

/** Header (HTTP), metadata key (gRPC) and message header (AMQP) of the W3C trace context. */
export const TRACEPARENT_HEADER = 'traceparent';

/** The trace and span ids of a W3C `traceparent`, for log lines. */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
}

/** The span context of a well-formed, valid `traceparent` (OpenTelemetry's parser), else undefined. */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  const context = parseTraceParent(value.trim());
  return context && isSpanContextValid(context) ? context : undefined;
}

/**
 * The `traceparent` of a new span: a child of `parent` (same trace, new span id, same sampling
 * flag), or the root of a new, sampled trace when there is no valid parent. Each request, message
 * sent and message handled is such a span, so one trace id follows an order across services.
 */
export function childTraceparent(parent?: string): string {
  const context = parseTraceparent(parent);
  const traceId = context?.traceId ?? randomBytes(16).toString('hex');
  const flags = context ? context.traceFlags & TraceFlags.SAMPLED : TraceFlags.SAMPLED;
  return `00-${traceId}-${randomBytes(8).toString('hex')}-${flags.toString(16).padStart(2, '0')}`;
}

/** Trace and span id of a `traceparent` for log lines; undefined when it is not valid. */
export function traceIdsOf(traceparent: string | undefined): TraceIds | undefined {
  const context = parseTraceparent(traceparent);
  return context ? { traceId: context.traceId, spanId: context.spanId } : undefined;
}
