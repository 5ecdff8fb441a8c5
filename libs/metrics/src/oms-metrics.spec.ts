import Fastify from 'fastify';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { recordHttpMetrics } from './http-metrics.hook.js';
import { OmsMetrics } from './oms-metrics.js';

type Family = { name: string; type: string; metrics: { labels?: Record<string, string>; value?: string; count?: string; buckets?: Record<string, string> }[] };
const families = async (metrics: OmsMetrics) => parsePrometheusTextFormat(await metrics.scrape()) as Family[];
const family = (all: Family[], name: string) => all.find((f) => f.name === name);

describe('OmsMetrics', () => {
  it('scrapes as Prometheus text with process metrics and every OMS instrument declared', async () => {
    const metrics = new OmsMetrics();
    const all = await families(metrics);
    const names = all.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'process_cpu_seconds_total',
        'http_server_requests_total',
        'http_server_request_duration_seconds',
        'grpc_server_handled_total',
        'oms_saga_step_duration_seconds',
        'oms_outbox_backlog',
        'oms_dead_letters_total',
        'oms_payment_gateway_latency_seconds',
      ]),
    );
    expect(family(all, 'oms_saga_step_duration_seconds')!.type).toBe('HISTOGRAM');
  });

  it('runs collectors at scrape time; a failing collector skips only itself; removed ones stop', async () => {
    const metrics = new OmsMetrics();
    let backlog = 3;
    const remove = metrics.addCollector('outbox:a', () => metrics.outboxBacklog.set({ schema: 'a' }, backlog));
    metrics.addCollector('broken', () => Promise.reject(new Error('database down')));
    const value = async () => family(await families(metrics), 'oms_outbox_backlog')!.metrics.find((m) => m.labels?.schema === 'a')?.value;
    expect(await value()).toBe('3');
    backlog = 5;
    expect(await value()).toBe('5');
    remove();
    backlog = 8;
    expect(await value()).toBe('5');
  });

  it('records HTTP responses by route template, never by raw path; unknown paths are UNMATCHED', async () => {
    const metrics = new OmsMetrics();
    const app = Fastify();
    recordHttpMetrics(app, metrics);
    app.get('/v1/orders/:id', async () => ({ ok: true }));
    await app.ready();
    await app.inject({ method: 'GET', url: '/v1/orders/a1' });
    await app.inject({ method: 'GET', url: '/v1/orders/b2' });
    await app.inject({ method: 'GET', url: '/wp-admin/../../etc/passwd' });
    await app.close();
    const requests = family(await families(metrics), 'http_server_requests_total')!.metrics;
    expect(requests).toEqual(
      expect.arrayContaining([
        { labels: { method: 'GET', route: '/v1/orders/:id', code: '200' }, value: '2' },
        { labels: { method: 'GET', route: 'UNMATCHED', code: '404' }, value: '1' },
      ]),
    );
    expect(requests).toHaveLength(2);
    // (the parser flattens labelled histograms badly: read the sample line itself)
    expect(await metrics.scrape()).toContain('http_server_request_duration_seconds_count{method="GET",route="/v1/orders/:id",code="200"} 2');
  });
});
