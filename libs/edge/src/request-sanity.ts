import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { ApiError } from '#libs/errors';
import type { Observable } from 'rxjs';

/** Deepest nesting of objects and arrays accepted in a request (the API's messages need 4). */
export const MAX_REQUEST_DEPTH = 32;

/**
 * What a gRPC request that is not a valid protobuf message of its method decodes to. grpc-js answers
 * a failed deserialisation INTERNAL by itself, which the contract forbids for client input: the
 * decoder hands this marker to Nest instead, and {@link RequestSanityInterceptor} answers it
 * INVALID_ARGUMENT (after authentication, like any other request).
 */
export class MalformedGrpcRequest {
  constructor(readonly method: string) {}
}

interface MethodDefinitionLike {
  path?: string;
  requestDeserialize?: (bytes: Buffer) => unknown;
}

/**
 * Makes the request decoders of every service in `packageDefinition` (as @grpc/proto-loader
 * returns it) whose name starts with one of `packages` return a {@link MalformedGrpcRequest}
 * instead of throwing. Call from `onLoadPackageDefinition`, before grpc-js builds the services.
 */
export function tolerateMalformedGrpcRequests(packageDefinition: Record<string, unknown>, packages: readonly string[]): void {
  for (const [name, definition] of Object.entries(packageDefinition)) {
    if (!packages.some((p) => name.startsWith(`${p}.`)) || definition === null || typeof definition !== 'object') continue;
    for (const method of Object.values(definition as Record<string, unknown>)) {
      const m = method as MethodDefinitionLike | null;
      if (!m || typeof m.requestDeserialize !== 'function' || typeof m.path !== 'string') continue;
      const decode = m.requestDeserialize;
      const path = m.path;
      m.requestDeserialize = (bytes: Buffer): unknown => {
        try {
          return decode(bytes);
        } catch {
          return new MalformedGrpcRequest(path);
        }
      };
    }
  }
}

// NUL (PostgreSQL text cannot hold it), U+FFFD (what a decoder puts in place of invalid UTF-8:
// proto3 strings must be valid UTF-8) and unpaired surrogates (not representable in UTF-8).
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for.
const FORBIDDEN_TEXT = /\u0000|\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function describeText(text: string): string | undefined {
  const match = FORBIDDEN_TEXT.exec(text);
  if (!match) return undefined;
  const char = match[0];
  if (char === '\u0000') return 'must not contain the NUL character';
  if (char === '\uFFFD') return 'must be valid UTF-8 (contains a replacement character)';
  return 'must be valid UTF-8 (contains an unpaired surrogate)';
}

// Any object but bytes: Fastify's query and params objects have prototypes of their own.
const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer);

const child = (parent: string, key: string | number): string =>
  typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;

/**
 * The first problem in a request value: text that no field of this API may hold, or nesting over
 * {@link MAX_REQUEST_DEPTH}. Iterative, so a hostile body cannot exhaust the stack here; checking
 * depth first keeps the recursive steps after it (field-name normalisation, class-transformer)
 * safe too. Bytes (Buffers: a raw body, a proto `bytes` field) are not inspected.
 */
export function requestProblem(value: unknown, root = ''): { field: string; description: string } | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const description = describeText(current);
      if (description) return { field: path, description };
      continue;
    }
    const isArray = Array.isArray(current);
    if (!isArray && !isRecord(current)) continue;
    if (depth >= MAX_REQUEST_DEPTH) return { field: path, description: `nests deeper than ${MAX_REQUEST_DEPTH} levels` };
    if (isArray) {
      current.forEach((item, i) => stack.push({ value: item, path: child(path, i), depth: depth + 1 }));
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      const description = describeText(key);
      if (description) return { field: path, description: `has a field name that ${description.replace(/^must/, 'does not')}` };
      stack.push({ value: item, path: child(path, key), depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * First check of every HTTP request (body, query, path parameters) and gRPC message, before any
 * handler code: a gRPC payload that is not a message of its method, text that is not valid UTF-8
 * or holds NUL, and absurd nesting are INVALID_ARGUMENT, instead of surfacing later as a
 * database error (500) or a stack overflow. Other transports (message consumers) are not checked.
 */
@Injectable()
export class RequestSanityInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const problem = this.problemOf(context);
    if (problem) throw ApiError.invalidArgument([problem]);
    return next.handle();
  }

  private problemOf(context: ExecutionContext): { field: string; description: string } | undefined {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<{ body?: unknown; query?: unknown; params?: unknown }>();
      return requestProblem(req.params) ?? requestProblem(req.query) ?? requestProblem(req.body);
    }
    if (context.getType() !== 'rpc' || !(context.switchToRpc().getContext<unknown>() instanceof Metadata)) return undefined;
    const data = context.switchToRpc().getData<unknown>();
    if (data instanceof MalformedGrpcRequest) {
      return { field: '', description: `the request is not a valid protobuf message for ${data.method}` };
    }
    return requestProblem(data);
  }
}
