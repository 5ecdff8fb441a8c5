import { randomUUID } from 'node:crypto';
import http from 'node:http';
import autocannon from 'autocannon';
import { openLoop, Recorder, type LoadResult } from './load.js';

/** A CreateOrder request over REST, the same for the OMS and the raw reference server. */
export interface RestTarget {
  readonly name: string;
  readonly port: number;
  /** Bearer tokens, used in turn (one per customer). */
  readonly tokens: readonly string[];
  readonly skus: readonly string[];
}

function createOrderRequest(target: RestTarget, n: number): { headers: Record<string, string>; body: string } {
  const sku = target.skus[n % target.skus.length]!;
  return {
    headers: {
      authorization: `Bearer ${target.tokens[n % target.tokens.length]}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({ items: [{ sku, qty: 1 }] }),
  };
}

/**
 * Fixed concurrency with autocannon: `connections` keep-alive connections, each sending its next
 * POST /v1/orders when the previous one answered (after a warm-up of `warmupS` that is not counted).
 */
export async function restClosed(target: RestTarget, connections: number, durationS: number, warmupS: number): Promise<LoadResult & { autocannon: object }> {
  let n = 0;
  const instance = autocannon({
    url: `http://127.0.0.1:${target.port}/v1/orders`,
    connections,
    duration: durationS,
    timeout: 30,
    method: 'POST',
    warmup: warmupS > 0 ? { connections, duration: warmupS } : undefined,
    requests: [{ setupRequest: (request) => ({ ...request, ...createOrderRequest(target, n++), method: 'POST', path: '/v1/orders' }) }],
  });
  // With a warm-up, autocannon runs it on a tracker of its own: these events are the measured run's.
  let measuring = new Recorder();
  instance.on('start', () => (measuring = new Recorder()));
  instance.on('response', (_client, statusCode, _bytes, responseTime) =>
    measuring.recordLatency(responseTime, statusCode >= 200 && statusCode < 300, `HTTP ${statusCode}`),
  );
  instance.on('reqError', (error: Error) => measuring.recordLatency(0, false, error.message));
  const result = await instance;
  return {
    ...measuring.result({ name: target.name, model: 'closed', concurrency: connections }, durationS),
    autocannon: { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors },
  };
}

/**
 * Fixed arrival rate: POST /v1/orders due every 1/rate s over at most `connections` keep-alive
 * sockets; a request waiting for a free socket is late, and its latency counts from its due time.
 */
export async function restOpen(target: RestTarget, rate: number, connections: number, durationS: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let n = 0;
  const send = () =>
    new Promise<string | undefined>((resolve) => {
      const { headers, body } = createOrderRequest(target, n++);
      const req = http.request({ host: '127.0.0.1', port: target.port, path: '/v1/orders', method: 'POST', headers, agent, timeout: 30_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode! >= 200 && res.statusCode! < 300 ? undefined : `HTTP ${res.statusCode}`));
      });
      req.on('error', (error) => resolve(error.message));
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end(body);
    });
  const recorder = await openLoop(send, rate, durationS);
  agent.destroy();
  return recorder.result({ name: target.name, model: 'open', offeredRate: rate, concurrency: connections }, durationS);
}
