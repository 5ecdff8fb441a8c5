import { rm } from 'node:fs/promises';

/** Jest global teardown: stops the embedded PostgreSQL the global setup started, if any. */
export default async function globalTeardown() {
  const started = globalThis.__OMS_TEST_PG__;
  if (!started) return;
  delete globalThis.__OMS_TEST_PG__;
  delete process.env.DATABASE_URL;
  await started.stop();
  await rm(started.dir, { recursive: true, force: true });
}
