import { Readable } from 'node:stream';
import { LEGACY_BODY_LIMIT, legacyFailureBody, legacyRouteOf, type LegacyFailure, type LegacyRouteOptions } from './legacy-route.js';

interface RequestLike {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly routeOptions?: { readonly config?: Record<string, unknown> };
}

interface ReplyLike {
  hijack(): unknown;
  getHeaders(): Record<string, number | string | string[] | undefined>;
  readonly raw: { writeHead(status: number, headers: Record<string, number | string | string[]>): unknown; end(body: string): unknown };
}

interface FastifyLike {
  readonly initialConfig: { readonly bodyLimit?: number };
  addHook(
    name: 'preParsing',
    hook: (request: RequestLike, reply: ReplyLike, payload: Readable) => Promise<Readable | undefined>,
  ): unknown;
}

/** Writes a legacy failure directly: Nest has not routed the request yet, so no filter can. */
function answer(reply: ReplyLike, failure: LegacyFailure, route: LegacyRouteOptions, close = false): undefined {
  const text = JSON.stringify(legacyFailureBody(failure, route));
  const headers: Record<string, number | string | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  reply.hijack();
  reply.raw.writeHead(failure.status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(close && { connection: 'close' }),
  });
  reply.raw.end(text);
  return undefined;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Keys Fastify's JSON parser refuses (prototype poisoning); refused here first, in the legacy shape.
 * @throws SyntaxError when the text is not JSON
 */
function poisoned(text: string): boolean {
  let found = false;
  JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)) found = true;
    return value;
  });
  return found;
}

const INSTALLED = Symbol.for('oms.legacy-api.body-framing');

/**
 * Fastify parses a body before Nest routes the request, so a malformed, oversized or non-JSON body
 * would be answered by the process-wide AIP-193 filter. For routes marked with `LegacyRoute` only,
 * this `preParsing` hook reads the body first and answers those cases itself in the legacy shape
 * (400, 413, 415); a good body is handed on unchanged, and a request without a body is left to the
 * route. Installed once per Fastify instance, whichever service calls it first.
 * @param instance the Fastify instance (`HttpAdapterHost.httpAdapter.getInstance()`); anything else is ignored
 */
export function installLegacyBodyFraming(instance: unknown): void {
  const fastify = instance as (FastifyLike & { [INSTALLED]?: boolean }) | undefined;
  if (!fastify || typeof fastify.addHook !== 'function' || fastify[INSTALLED]) return;
  fastify[INSTALLED] = true;
  const processLimit = fastify.initialConfig.bodyLimit ?? LEGACY_BODY_LIMIT;
  fastify.addHook('preParsing', async (request, reply, payload) => {
    const route = legacyRouteOf(request);
    const headers = request.headers;
    if (!route || (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined)) return payload;
    // Above the process-wide limit Fastify's own parser would refuse the body, in the AIP-193 shape.
    const limit = Math.min(route.bodyLimit ?? LEGACY_BODY_LIMIT, processLimit);
    const tooLarge = { status: 413, message: `the request body exceeds ${limit} bytes` };
    if (Number(headers['content-length']) > limit) return answer(reply, tooLarge, route, true);
    const type = String(headers['content-type'] ?? '');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        payload.resume();
        return answer(reply, tooLarge, route, true);
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    if (body.length === 0 && !type) return Readable.from([]);
    if (body.length === 0) return answer(reply, { status: 400, message: 'the request body must be a JSON object' }, route);
    if (!JSON_TYPE.test(type)) {
      return answer(reply, { status: 415, message: 'the request body must be JSON (Content-Type: application/json)' }, route);
    }
    try {
      if (poisoned(body.toString('utf8'))) {
        return answer(reply, { status: 400, message: 'the request body must not contain __proto__ or constructor.prototype keys' }, route);
      }
    } catch {
      return answer(reply, { status: 400, message: 'the request body is not valid JSON' }, route);
    }
    return Readable.from([body]);
  });
}
