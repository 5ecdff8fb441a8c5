import type { LoadResult } from './load.js';
import type { BenchReport } from './report.js';

/** A small hand-written SVG: one row per phase, throughput over time left, latency over time right. */
interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly { x: number; y: number }[];
}
interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly Series[];
}

const W = 440;
const H = 170;
const PAD = { left: 56, right: 16, top: 26, bottom: 26 };
const COLORS = { rate: '#1f77b4', p50: '#2ca02c', p99: '#d62728', backlog: '#9467bd' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

function panel(p: Panel, ox: number, oy: number): string {
  const pts = p.series.flatMap((s) => s.points).filter((q) => Number.isFinite(q.y));
  const xMax = Math.ceil(Math.max(1, ...pts.map((q) => q.x + 1)));
  const yMax = niceMax(Math.max(0, ...pts.map((q) => q.y)));
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const sx = (x: number) => ox + PAD.left + (x / xMax) * iw;
  const sy = (y: number) => oy + PAD.top + ih - (y / yMax) * ih;
  const out = [`<text x="${ox + PAD.left}" y="${oy + 16}" font-size="12" font-weight="bold">${esc(p.title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    out.push(`<line x1="${sx(0)}" x2="${sx(xMax)}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${sx(0) - 4}" y="${sy(y) + 4}" font-size="10" text-anchor="end">${+y.toPrecision(3)}</text>`);
  }
  out.push(`<text x="${sx(xMax)}" y="${oy + H - 6}" font-size="10" text-anchor="end">${xMax} s</text>`);
  out.push(`<text x="${sx(0)}" y="${oy + H - 6}" font-size="10">0</text>`);
  out.push(`<text x="${ox + 10}" y="${oy + PAD.top + ih / 2}" font-size="10" transform="rotate(-90 ${ox + 10} ${oy + PAD.top + ih / 2})" text-anchor="middle">${esc(p.unit)}</text>`);
  let lx = ox + W - PAD.right;
  for (const s of [...p.series].reverse()) {
    out.push(`<text x="${lx}" y="${oy + PAD.top + 10}" font-size="10" text-anchor="end" fill="${s.color}">${esc(s.name)}</text>`);
    lx -= 8 + 6 * s.name.length;
    const path = s.points
      .filter((q) => Number.isFinite(q.y))
      .map((q, i) => `${i ? 'L' : 'M'}${sx(q.x + 0.5).toFixed(1)},${sy(q.y).toFixed(1)}`)
      .join('');
    if (path) out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
  }
  return out.join('\n');
}

function loadPanels(title: string, l: LoadResult | undefined, unit: string): Panel[] {
  if (!l) return [];
  const how = l.model === 'open' ? `${Math.round(l.offeredRate ?? 0)}/s offered` : `${l.concurrency} in flight`;
  return [
    { title: `${title} (${how}): throughput`, unit, series: [{ name: unit, color: COLORS.rate, points: l.series.map((p) => ({ x: p.t, y: p.rate })) }] },
    {
      title: `${title}: latency`,
      unit: 'ms',
      series: [
        { name: 'p50', color: COLORS.p50, points: l.series.map((p) => ({ x: p.t, y: p.p50 })) },
        { name: 'p99', color: COLORS.p99, points: l.series.map((p) => ({ x: p.t, y: p.p99 })) },
      ],
    },
  ];
}

export function renderSvg(r: BenchReport): string {
  const panels: Panel[] = [];
  if (r.limits) {
    panels.push(...loadPanels('PG 1-row INSERT', r.limits.pgInsert, 'commits/s'));
    panels.push(...loadPanels('PG 3-statement tx', r.limits.pgThreeStatement, 'commits/s'));
    panels.push(...loadPanels('RabbitMQ publish+confirm', r.limits.amqp.publish, 'msg/s'));
    panels.push(...loadPanels('RabbitMQ publish -> consume', r.limits.amqp.pipeline, 'msg/s'));
  }
  if (r.references) {
    panels.push(...loadPanels('raw node:http', r.references.rawHttp.closed, 'req/s'), ...loadPanels('raw node:http', r.references.rawHttp.open, 'req/s'));
    panels.push(...loadPanels('raw grpc-js', r.references.rawGrpc.closed, 'calls/s'), ...loadPanels('raw grpc-js', r.references.rawGrpc.open, 'calls/s'));
  }
  const { rest, grpc } = r.createOrder;
  panels.push(...loadPanels('REST CreateOrder', rest?.closed, 'req/s'), ...loadPanels('REST CreateOrder', rest?.open, 'req/s'));
  panels.push(...loadPanels('gRPC CreateOrder', grpc?.closed, 'calls/s'), ...loadPanels('gRPC CreateOrder', grpc?.open, 'calls/s'));
  if (r.saga) {
    const s = r.saga;
    panels.push({ title: `saga: orders CONFIRMED per second (${s.concurrency} customers)`, unit: 'orders/s', series: [{ name: 'orders/s', color: COLORS.rate, points: s.series.map((p) => ({ x: p.t, y: p.rate })) }] });
    panels.push({
      title: 'saga: create -> CONFIRMED latency',
      unit: 'ms',
      series: [
        { name: 'p50', color: COLORS.p50, points: s.series.map((p) => ({ x: p.t, y: p.p50 })) },
        { name: 'p99', color: COLORS.p99, points: s.series.map((p) => ({ x: p.t, y: p.p99 })) },
      ],
    });
    panels.push({
      title: `saga: backlog (outbox + queues + due notifications + PENDING)${s.backlogGrows ? ': GROWS' : ''}`,
      unit: 'items',
      series: [{ name: 'backlog', color: COLORS.backlog, points: s.backlog.map((b) => ({ x: b.t, y: b.total })) }],
    });
  }
  const cols = 2;
  const rows = Math.ceil(panels.length / cols);
  const header = 40;
  const width = cols * W;
  const height = header + rows * H;
  const body = panels.map((p, i) => panel(p, (i % cols) * W, header + Math.floor(i / cols) * H)).join('\n');
  const title = `OMS bench ${r.date} (${r.mode}): per second of each phase`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="12" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}
