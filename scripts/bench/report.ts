import type { AmqpLimits } from './amqp-limits.js';
import type { LoadResult } from './load.js';
import type { SagaResult } from './saga.js';
import { ratio, round, sagaCeiling } from './stats.js';

/** A CreateOrder-style target loaded at fixed concurrency, then at half of what that gave. */
export interface TargetResult {
  readonly closed: LoadResult;
  readonly open?: LoadResult;
}

export interface BenchReport {
  readonly date: string;
  readonly mode: 'multi-process' | 'all-in-one';
  readonly machine: Record<string, string | number>;
  readonly settings: Record<string, string | number | boolean>;
  limits?: { pgInsert: LoadResult; pgThreeStatement: LoadResult; pgbenchThreeStatementTps?: number; amqp: AmqpLimits };
  references?: { rawHttp: TargetResult; rawGrpc: TargetResult };
  readonly createOrder: { rest?: TargetResult; grpc?: TargetResult };
  saga?: SagaResult;
  ratios: Ratio[];
  cpuProfile?: { file: string; busyPct: number; top: { fn: string; selfMs: number; selfPct: number }[] };
}

export interface Ratio {
  readonly name: string;
  readonly value: number;
  /** The issue's target for the ratio (>=). */
  readonly target: number;
  readonly of: string;
}

/**
 * The database's 3-statement commits/s: the faster of the Node `pg` client and pgbench (when
 * installed), since the limit is the server's, not a client's.
 */
export function databaseCeiling(limits: NonNullable<BenchReport['limits']>): number {
  return Math.max(limits.pgThreeStatement.throughput, limits.pgbenchThreeStatementTps ?? 0);
}

/** The ratios of the system's figures to the machine's limits and the no-framework references. */
export function computeRatios(r: Pick<BenchReport, 'limits' | 'references' | 'createOrder' | 'saga'>): Ratio[] {
  const out: Ratio[] = [];
  const rest = r.createOrder.rest?.closed.throughput;
  const grpc = r.createOrder.grpc?.closed.throughput;
  if (rest !== undefined && r.references) {
    out.push({ name: 'REST CreateOrder / raw node:http INSERT', value: ratio(rest, r.references.rawHttp.closed.throughput), target: 0.6, of: 'req/s at the same concurrency' });
  }
  if (grpc !== undefined && r.references) {
    out.push({ name: 'gRPC CreateOrder / raw grpc-js INSERT', value: ratio(grpc, r.references.rawGrpc.closed.throughput), target: 0.6, of: 'calls/s at the same concurrency' });
  }
  if (r.saga && r.limits) {
    const commitsPerS = databaseCeiling(r.limits);
    const ceiling = sagaCeiling(commitsPerS, r.saga.perOrder.commits);
    out.push({
      name: 'saga orders/s / (3-statement commits/s / commits per order)',
      value: ratio(r.saga.throughput, ceiling),
      target: 0.5,
      of: `${round(r.saga.throughput)} / (${round(commitsPerS, 0)} / ${round(r.saga.perOrder.commits, 2)} = ${round(ceiling)})`,
    });
  }
  return out;
}

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : Math.round(v).toLocaleString('en-US'));

function loadRow(label: string, l: LoadResult | undefined, unit: string): string[] {
  if (!l) return [label, '-', '-', '-', '-'];
  const how = l.model === 'open' ? `open, ${num(l.offeredRate)}/s offered` : `closed, ${l.concurrency} in flight`;
  const errors = l.errors ? `, ${num(l.errors)} errors` : '';
  return [label, `${num(l.throughput)} ${unit}`, ms(l.latency.p50), ms(l.latency.p99), `${how}, ${l.durationS} s${errors}`];
}

/** The result as a Markdown table (printed, and pasted into README / docs/performance.md). */
export function renderTable(r: BenchReport): string {
  const rows: string[][] = [];
  if (r.limits) {
    const l = r.limits;
    rows.push(loadRow('PostgreSQL single-row INSERT', l.pgInsert, 'commits/s'));
    rows.push(loadRow('PostgreSQL 3-statement transaction', l.pgThreeStatement, 'commits/s'));
    if (l.pgbenchThreeStatementTps !== undefined) rows.push(['  same, pgbench (C client)', `${num(l.pgbenchThreeStatementTps)} commits/s`, '-', '-', 'cross-check']);
    rows.push(loadRow('RabbitMQ publish with confirm', l.amqp.publish, 'msg/s'));
    rows.push(loadRow('RabbitMQ publish+confirm -> consume+ack', l.amqp.pipeline, 'msg/s'));
  }
  if (r.references) {
    rows.push(loadRow('raw node:http + 1 INSERT', r.references.rawHttp.closed, 'req/s'));
    rows.push(loadRow('raw node:http + 1 INSERT', r.references.rawHttp.open, 'req/s'));
    rows.push(loadRow('raw grpc-js + 1 INSERT', r.references.rawGrpc.closed, 'calls/s'));
    rows.push(loadRow('raw grpc-js + 1 INSERT', r.references.rawGrpc.open, 'calls/s'));
  }
  if (r.createOrder.rest) {
    rows.push(loadRow('**REST CreateOrder**', r.createOrder.rest.closed, 'req/s'));
    rows.push(loadRow('**REST CreateOrder**', r.createOrder.rest.open, 'req/s'));
  }
  if (r.createOrder.grpc) {
    rows.push(loadRow('**gRPC CreateOrder**', r.createOrder.grpc.closed, 'calls/s'));
    rows.push(loadRow('**gRPC CreateOrder**', r.createOrder.grpc.open, 'calls/s'));
  }
  if (r.saga) {
    const s = r.saga;
    const how = `closed, ${s.concurrency} customers, ${s.durationS} s${s.failed ? `, ${s.failed} failed` : ''}; backlog ${s.backlogGrows ? 'GROWS' : 'steady'}`;
    rows.push(['**saga create -> pay -> CONFIRMED**', `${round(s.throughput, 1)} orders/s`, '-', '-', how]);
    rows.push(['  create -> RESERVED', '-', ms(s.createToReserved.p50), ms(s.createToReserved.p99), `${num(s.createToReserved.count)} orders`]);
    rows.push(['  pay -> CONFIRMED', '-', ms(s.payToConfirmed.p50), ms(s.payToConfirmed.p99), `${num(s.payToConfirmed.count)} orders`]);
    rows.push(['  pay -> its answer (CAPTURED)', '-', ms(s.payAnswered.p50), ms(s.payAnswered.p99), `${num(s.payAnswered.count)} orders`]);
  }
  const table = [
    `| ${r.mode} | throughput | p50 ms | p99 ms | how |`,
    '|---|---:|---:|---:|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
  const extra: string[] = [];
  if (r.saga) {
    const p = r.saga.perOrder;
    const split = (o: Record<string, number>) =>
      Object.entries(o)
        .filter(([k]) => k !== 'total')
        .map(([k, v]) => `${k.replace('_service', '')} ${round(v, 2)}`)
        .join(', ');
    extra.push(
      '',
      '| per confirmed order | count |',
      '|---|---:|',
      `| PostgreSQL commits (xact_commit delta, idle background of ${round(p.idleCommitsPerS, 1)}/s taken out) | ${round(p.commits, 2)} |`,
      `| PostgreSQL commits, background included | ${round(p.commitsGross, 2)} |`,
      `| messages published (outbox rows: ${split(p.outboxMessages)}) | ${round(p.outboxMessages.total, 2)} |`,
      `| deliveries handled (inbox rows: ${split(p.inboxDeliveries)}) | ${round(p.inboxDeliveries.total, 2)} |`,
    );
  }
  if (r.ratios.length > 0) {
    extra.push('', '| ratio | value | target | |', '|---|---:|---:|---|');
    for (const q of r.ratios) extra.push(`| ${q.name} | ${round(q.value, 2)} | >= ${q.target} | ${Number.isFinite(q.value) && q.value >= q.target ? 'met' : 'NOT met'}: ${q.of} |`);
  }
  const latencyTargets = [
    r.createOrder.rest && `REST p99 at ${r.createOrder.rest.closed.concurrency} connections ${ms(r.createOrder.rest.closed.latency.p99)} ms (target < 50)`,
    r.createOrder.rest?.open && `REST p99 at half the max rate ${ms(r.createOrder.rest.open.latency.p99)} ms (target < 20)`,
  ].filter(Boolean);
  if (latencyTargets.length) extra.push('', ...latencyTargets.map((t) => `- ${t}`));
  return [...table, ...extra].join('\n');
}
