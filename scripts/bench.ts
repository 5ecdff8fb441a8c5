import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { amqpLimits } from './bench/amqp-limits.js';
import { BacklogProbe } from './bench/backlog.js';
import { cleanupOnSignals, runCleanup } from './bench/cleanup.js';
import { topSelfTime } from './bench/cpu-profile.js';
import { grpcClosed, grpcOpen, type GrpcTarget } from './bench/grpc-load.js';
import { restClosed, restOpen, type RestTarget } from './bench/http-load.js';
import { freePort } from '#libs/testing';
import { CountingPool, createBenchDatabase, createBenchVhost, spawnNode, stopChild, waitFor } from './bench/infra.js';
import type { LoadResult } from './bench/load.js';
import { pgbenchThreeStatement, setupPgLimits, singleInsertCommits, threeStatementCommits } from './bench/pg-limits.js';
import { RAW_TABLE_DDL } from './bench/raw-reference.js';
import { computeRatios, renderTable, type BenchReport, type TargetResult } from './bench/report.js';
import { runSaga } from './bench/saga.js';
import { benchTokens, ROOT, seedCatalog, startSystem, type Mode } from './bench/system.js';
import { renderSvg } from './bench/svg-chart.js';

/**
 * `npm run bench`: the OMS against this machine's limits, in one run (docs/performance.md).
 *
 *   npm run bench [-- --all-in-one] [--duration 60] [--phase 10] [--only limits,references,rest,grpc,saga] [--cpu-prof]
 *
 * Makes its own database and RabbitMQ vhost, starts the services from dist/ as child processes,
 * loads them from this process, prints a table, writes bench/results/<date>.json and .svg, and
 * removes everything it made, also on Ctrl-C or failure.
 */
const PHASES = ['limits', 'references', 'rest', 'grpc', 'saga'] as const;
type Phase = (typeof PHASES)[number];

const { values: args } = parseArgs({
  options: {
    'all-in-one': { type: 'boolean', default: false },
    duration: { type: 'string', default: '60' },
    phase: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    'saga-warmup': { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    'saga-concurrency': { type: 'string', default: '32' },
    'pg-clients': { type: 'string', default: '16' },
    customers: { type: 'string', default: '100' },
    skus: { type: 'string', default: '50' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    out: { type: 'string', default: join(ROOT, 'bench/results') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const int = (name: keyof typeof args) => {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number, got ${args[name]}`);
  return v;
};

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const brief = (l: LoadResult) =>
  `${Math.round(l.throughput)}/s p50 ${l.latency.p50.toFixed(1)} ms p99 ${l.latency.p99.toFixed(1)} ms${l.errors ? ` (${l.errors} errors: ${l.errorSamples.join('; ')})` : ''}`;

async function main(): Promise<void> {
  if (args.help) {
    console.log('npm run bench -- [--all-in-one] [--duration S] [--phase S] [--warmup S] [--connections N] [--saga-concurrency N] [--pg-clients N] [--only limits,references,rest,grpc,saga] [--cpu-prof] [--out DIR]');
    return;
  }
  cleanupOnSignals();
  const mode: Mode = args['all-in-one'] ? 'all-in-one' : 'multi-process';
  const phaseS = int('phase');
  const warmupS = int('warmup');
  const connections = int('connections');
  const pgClients = int('pg-clients');
  const cpuProf = args['cpu-prof'];
  const only = new Set<Phase>((args.only?.split(',') as Phase[] | undefined) ?? (cpuProf ? ['rest'] : PHASES));
  for (const p of only) if (!PHASES.includes(p)) throw new Error(`--only: unknown phase ${p} (${PHASES.join(', ')})`);
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');

  const startLoad = loadavg()[0]!;
  log(`${mode}; phases: ${[...only].join(', ')}; load average ${startLoad.toFixed(2)} on ${cpus().length} CPUs`);
  const db = await createBenchDatabase();
  const amqpUrl = createBenchVhost();
  const sql = new CountingPool(db.url);
  const machine: Record<string, string | number> = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '',
    node: process.version,
    postgres: (await sql.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v,
    loadAverageAtStart: startLoad,
  };
  const report: BenchReport = {
    date,
    mode,
    machine,
    settings: { phaseS, warmupS, connections, pgClients, sagaDurationS: int('duration'), sagaConcurrency: int('saga-concurrency'), gatewayLatencyMs: 0, rateLimit: 'off', logLevel: 'warn', cpuProf },
    createOrder: {},
    ratios: [],
  };

  if (only.has('limits')) {
    log('limits: PostgreSQL single-row INSERT and 3-statement transaction, RabbitMQ publish-with-confirm + consume');
    await setupPgLimits(db.url);
    const pgInsert = await singleInsertCommits(db.url, pgClients, phaseS);
    log(`  single-row INSERT: ${brief(pgInsert)}`);
    const pgThreeStatement = await threeStatementCommits(db.url, pgClients, phaseS);
    log(`  3-statement transaction: ${brief(pgThreeStatement)}`);
    const pgbenchThreeStatementTps = await pgbenchThreeStatement(db.url, pgClients, phaseS);
    if (pgbenchThreeStatementTps !== undefined) log(`  same with pgbench: ${Math.round(pgbenchThreeStatementTps)} tps`);
    const amqp = await amqpLimits(amqpUrl, phaseS);
    log(`  RabbitMQ publish with confirm: ${brief(amqp.publish)}; end to end with a consumer: ${brief(amqp.pipeline)}`);
    report.limits = { pgInsert, pgThreeStatement, pgbenchThreeStatementTps, amqp };
  }

  if (only.has('references')) {
    for (const ddl of RAW_TABLE_DDL) await sql.query(ddl);
    const raw = async (kind: 'http' | 'grpc'): Promise<TargetResult> => {
      const port = await freePort();
      let ready = false;
      const child = spawnNode(`raw-${kind}`, [join(ROOT, `dist/scripts/bench/raw-${kind}-server.js`)], { ...process.env, DATABASE_URL: db.url, PORT: String(port) }, (line) => {
        if (line === 'ready') ready = true;
      });
      await waitFor(`the raw ${kind} server`, async () => ready);
      const target = { name: `raw ${kind}`, port, tokens: ['unused'], skus: ['RAW'] };
      try {
        const closed = kind === 'http' ? await restClosed(target, connections, phaseS, warmupS) : await grpcClosed(target, connections, phaseS, warmupS);
        log(`  raw ${kind}, ${connections} in flight: ${brief(closed)}`);
        const rate = Math.max(1, Math.round(closed.throughput / 2));
        const open = kind === 'http' ? await restOpen(target, rate, connections, phaseS) : await grpcOpen(target, rate, phaseS);
        log(`  raw ${kind} at ${rate}/s: ${brief(open)}`);
        return { closed, open };
      } finally {
        await stopChild(child);
      }
    };
    log('references: raw node:http and raw grpc-js servers, one INSERT per CreateOrder');
    report.references = { rawHttp: await raw('http'), rawGrpc: await raw('grpc') };
  }

  if (only.has('rest') || only.has('grpc') || only.has('saga')) {
    const profileDir = join(tmpdir(), `oms-bench-prof-${process.pid}`);
    let profileWindow: [number, number] | undefined;
    log(`starting the OMS (${mode})${cpuProf ? ` with --cpu-prof into ${profileDir}` : ''}`);
    const logDir = join(args.out, `${date}-logs`);
    mkdirSync(logDir, { recursive: true });
    const system = await startSystem({ mode, databaseUrl: db.url, amqpUrl, logDir, orderNodeArgs: cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
    const tokens = await benchTokens(int('customers'));
    const skus = await seedCatalog(system, sql, tokens.admin, int('skus'));
    const probe = await BacklogProbe.open(sql, amqpUrl);
    const drain = async () => {
      const s = await probe.drain();
      if (s > 1) log(`  (drained the saga work the phase left behind in ${s.toFixed(1)} s)`);
    };
    try {
      const rest: RestTarget = { name: 'REST CreateOrder', port: system.http, tokens: tokens.customers, skus };
      const grpc: GrpcTarget = { name: 'gRPC CreateOrder', port: system.grpc, tokens: tokens.customers, skus };
      if (only.has('rest')) {
        const loadStart = Date.now() + warmupS * 1000;
        const closed = await restClosed(rest, connections, phaseS, warmupS);
        profileWindow = [(loadStart - system.orderSpawnedAt) / 1000, (Date.now() - system.orderSpawnedAt) / 1000];
        log(`  REST CreateOrder, ${connections} connections: ${brief(closed)}`);
        await drain();
        let open: LoadResult | undefined;
        if (!cpuProf) {
          const rate = Math.max(1, Math.round(closed.throughput / 2));
          open = await restOpen(rest, rate, connections, phaseS);
          log(`  REST CreateOrder at ${rate}/s: ${brief(open)}`);
          await drain();
        }
        report.createOrder.rest = { closed, open };
      }
      if (only.has('grpc')) {
        const closed = await grpcClosed(grpc, connections, phaseS, warmupS);
        log(`  gRPC CreateOrder, ${connections} in flight: ${brief(closed)}`);
        await drain();
        const rate = Math.max(1, Math.round(closed.throughput / 2));
        const open = await grpcOpen(grpc, rate, phaseS);
        log(`  gRPC CreateOrder at ${rate}/s: ${brief(open)}`);
        await drain();
        report.createOrder.grpc = { closed, open };
      }
      if (only.has('saga')) {
        log(`saga: ${int('saga-concurrency')} customers create -> pay -> CONFIRMED for ${int('saga-warmup')} + ${int('duration')} s`);
        const saga = await runSaga({
          httpPort: system.http,
          amqpUrl,
          db: sql,
          tokens: tokens.customers,
          skus,
          concurrency: int('saga-concurrency'),
          warmupS: int('saga-warmup'),
          durationS: int('duration'),
        });
        log(
          `  ${saga.throughput.toFixed(1)} orders/s; create->RESERVED p50 ${saga.createToReserved.p50.toFixed(1)} p99 ${saga.createToReserved.p99.toFixed(1)} ms; ` +
            `pay->CONFIRMED p50 ${saga.payToConfirmed.p50.toFixed(1)} p99 ${saga.payToConfirmed.p99.toFixed(1)} ms; ` +
            `pay answered p50 ${saga.payAnswered.p50.toFixed(1)} p99 ${saga.payAnswered.p99.toFixed(1)} ms; backlog ${saga.backlogGrows ? 'GROWS' : 'steady'}` +
            `${saga.failed ? `; ${saga.failed} failed: ${saga.errorSamples.join('; ')}` : ''}`,
        );
        report.saga = saga;
      }
    } finally {
      await probe.close();
      log('stopping the OMS (SIGTERM)');
      const stopped = await system.stop();
      machine.shutdown = stopped.map((s) => `${s.name}: exit ${s.exitCode ?? s.signal} after ${s.seconds.toFixed(1)} s`).join('; ');
      for (const s of stopped) if (s.exitCode !== 0) log(`  ${s.name} did not stop cleanly: exit ${s.exitCode ?? s.signal} after ${s.seconds.toFixed(1)} s`);
    }
    if (cpuProf) {
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`no .cpuprofile was written in ${profileDir}`);
      const { busyPct, top } = topSelfTime(join(profileDir, file), ROOT, 15, profileWindow);
      report.cpuProfile = { file: join(profileDir, file), busyPct, top };
      log(`CPU profile of the process serving CreateOrder: ${join(profileDir, file)}`);
      log(`  on a CPU ${busyPct} % of the measured REST load; top self time (% of busy time):`);
      for (const t of top) log(`  ${String(t.selfPct).padStart(5)} %  ${String(t.selfMs).padStart(6)} ms  ${t.fn}`);
    }
  }

  machine.loadAverageAtEnd = loadavg()[0]!;
  report.ratios = computeRatios(report);
  const table = renderTable(report);
  console.log(`\n${table}\n`);
  mkdirSync(args.out, { recursive: true });
  const base = join(args.out, `${date}${mode === 'all-in-one' ? '-all-in-one' : ''}`);
  writeFileSync(`${base}.json`, `${JSON.stringify({ ...report, table }, null, 2)}\n`);
  writeFileSync(`${base}.svg`, renderSvg(report));
  log(`wrote ${base}.json and ${base}.svg`);
}

main()
  .then(() => runCleanup())
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await runCleanup();
    process.exit(1);
  });
