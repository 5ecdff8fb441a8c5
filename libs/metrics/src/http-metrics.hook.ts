import type { OmsMetrics } from './oms-metrics.js';

/** What the hooks need of a Fastify instance (kept structural: this lib does not import Fastify). */
interface HookHost {
  addHook(name: 'onRequest', hook: (request: TimedRequest, reply: unknown, done: () => void) => void): unknown;
  addHook(name: 'onResponse', hook: (request: TimedRequest, reply: { statusCode: number }, done: () => void) => void): unknown;
}

interface TimedRequest {
  method: string;
  routeOptions?: { url?: string };
  omsStartedAt?: bigint;
}

/**
 * Records every HTTP response (404s, 413s and probe calls included) by method, route template
 * and status code. Hooks, not a Nest interceptor: requests Fastify answers before Nest sees them
 * (unknown routes, oversized or malformed bodies) count too. An unmatched path is `UNMATCHED`,
 * so scanners cannot blow up the label set.
 */
export function recordHttpMetrics(fastify: HookHost, metrics: OmsMetrics): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    request.omsStartedAt = process.hrtime.bigint();
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = { method: request.method, route: request.routeOptions?.url ?? 'UNMATCHED', code: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    if (request.omsStartedAt !== undefined) metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - request.omsStartedAt) / 1e9);
    done();
  });
}
