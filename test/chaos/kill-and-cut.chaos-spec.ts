import { SERVICES, ServiceCluster, sleep } from '../support/service-cluster.js';
import { deadLetterSummary, messagesInQueues } from './support/broker-observations.js';
import { takeChaosTurn } from './support/chaos-turn.js';
import { OrderLoad } from './support/order-load.js';
import { expectPromisesKept } from './support/promises-kept.js';
import { chaosSeed, seededRandom } from './support/seeded-random.js';

/**
 * Chaos under a steady load of orders with every outcome (success, decline, insufficient stock,
 * capture failure, cancel, refund), one fault kind per phase: services SIGKILLed at random moments
 * and restarted; the database connections of every service terminated, again and again. After
 * each phase the system settles and then
 * (1) the invariant checker finds nothing, (2) nothing waits in a dead-letter queue, and (3) the
 * client's own record matches the database: every order it was told was created exists, and no
 * other order of its customers does.
 *
 * Runs alone (`npm run test:chaos`, after `npm test` in CI): it kills processes and connections.
 */
const CHAOS_SECONDS = Number(process.env.OMS_CHAOS_SECONDS ?? 40);
const SEED = chaosSeed();
const random = seededRandom(SEED);

let c: ServiceCluster;
let endTurn: (() => Promise<void>) | undefined;

beforeAll(async () => {
  endTurn = await takeChaosTurn();
  c = await ServiceCluster.start({ env: { OMS_GATEWAY_LATENCY_MS: '20', OMS_RATE_LIMIT_PER_MINUTE: '0' } });
}, 900_000);

afterAll(async () => {
  await c?.close();
  await endTurn?.();
}, 60_000);

/** A load of its own customers, `inject` while it runs, then every promise checked once it settled. */
async function phase(name: string, inject: (faults: string[]) => Promise<void>): Promise<void> {
  const load = await OrderLoad.start(c, { customerPrefix: `chaos-${name}-` });
  const faults: string[] = [];
  try {
    await inject(faults);
  } finally {
    await load.stop();
  }
  await expectPromisesKept(c, load, faults, { inFlight: () => messagesInQueues(c), diagnose: async () => ({ deadLetters: await deadLetterSummary(c) }) });
  // A message given up on waits in a dead-letter queue, out of the invariant checker's sight: a
  // crash or a cut connection is a transient failure, never a reason to give a message up.
  expect({ faults, deadLetters: await deadLetterSummary(c) }).toEqual({ faults, deadLetters: {} });
}

it(`keeps every promise through SIGKILLs of every service at random moments (seed ${SEED})`, async () => {
  await phase('kill', async (faults) => {
    for (const until = Date.now() + CHAOS_SECONDS * 1000; Date.now() < until; ) {
      await sleep(1_000 + random() * 3_000);
      const victim = c.of(SERVICES[Math.floor(random() * SERVICES.length)]!)[0]!;
      faults.push(`SIGKILL ${victim.service}`);
      await c.stopReplica(victim, 'SIGKILL');
      await sleep(random() * 1_500);
      c.startReplica(victim);
      await c.ready(victim);
    }
  });
}, 600_000);

it(`keeps every promise through terminated database connections (seed ${SEED})`, async () => {
  await phase('cut', async (faults) => {
    for (const until = Date.now() + (CHAOS_SECONDS / 2) * 1000; Date.now() < until; ) {
      await sleep(1_000 + random() * 2_000);
      const { rowCount } = await c.sql.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'oms:%'`,
      );
      faults.push(`pg_terminate_backend of ${rowCount} connections`);
    }
  });
}, 600_000);
