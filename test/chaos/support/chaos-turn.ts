import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../../support/service-cluster.js';

/**
 * Chaos specs take turns on this machine: one restarts the whole RabbitMQ broker, which must not
 * hit another spec's cluster (Jest runs test files in parallel workers where there are cores to
 * spare). The turn is a lock directory holding the owner's pid; one left by a dead process is
 * taken over.
 */
const LOCK = join(tmpdir(), 'oms-chaos-turn.lock');

/** Waits for this spec's turn; resolves with the function that ends it. */
export async function takeChaosTurn(timeoutMs = 900_000): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(LOCK);
      await writeFile(join(LOCK, 'pid'), String(process.pid));
      return () => rm(LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await abandoned()) {
      await rm(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another chaos spec held ${LOCK} for ${timeoutMs / 1000} s`);
    await sleep(1_000);
  }
}

/** The owner is gone (or never wrote its pid, for longer than writing it takes). */
async function abandoned(): Promise<boolean> {
  const pid = Number(await readFile(join(LOCK, 'pid'), 'utf8').catch(() => ''));
  if (!pid) return Date.now() - (await stat(LOCK).then((s) => s.mtimeMs, () => Date.now())) > 10_000;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
