// Plain ESM on purpose: Jest loads global hooks through a CommonJS transform without
// moduleNameMapper, so `#libs/*` and `.js`-suffixed TypeScript imports cannot resolve here.
// Node 24 strips the types of embedded-postgres.ts itself (it uses erasable syntax only).
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../libs/database/src/embedded-postgres.ts';
import { freePort } from '../libs/testing/src/free-port.ts';

/**
 * Jest global setup: gives every worker a PostgreSQL server in `DATABASE_URL`. A URL from the
 * environment is used as is; otherwise an embedded server is started in a temp directory on a
 * free port, stopped (and its data removed) by the global teardown. Workers are started after
 * this runs, so they inherit the variable; each test file creates its own database on it.
 */
export default async function globalSetup() {
  buildDist();
  if (process.env.DATABASE_URL) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'oms-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port: await freePort(), persistent: false });
  process.env.DATABASE_URL = server.url;
  // Read by global-teardown.js, which runs in this same process.
  globalThis.__OMS_TEST_PG__ = { stop: server.stop, dir };
}


/**
 * Builds `dist/` once, before any worker starts: suites that run the built entry points as child
 * processes (multi-process, zero-install, deployment) must never rebuild it while another
 * suite's processes are loading it. Jest runs from the repository root.
 */
function buildDist() {
  const ignore = '**/*.spec.ts,**/*.int-spec.ts,**/*.e2e-spec.ts,**/test/**';
  execFileSync(process.execPath, ['node_modules/@swc/cli/bin/swc.js', 'apps', 'libs', 'scripts', '-d', 'dist', '--quiet', '--ignore', ignore], {
    cwd: process.cwd(),
    stdio: 'inherit',
  });
}
