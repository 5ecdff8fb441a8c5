import { SERVICES, ServiceCluster, sleep } from '../support/service-cluster.js';
import { deadLetterSummary, messagesInQueues } from './support/broker-observations.js';
import { takeChaosTurn } from './support/chaos-turn.js';
import { OrderLoad } from './support/order-load.js';
import { expectPromisesKept } from './support/promises-kept.js';
import { chaosSeed, seededRandom } from './support/seeded-random.js';

/**
 * Chaos under a steady load of orders with every outcome (success, decline, insufficient stock,
 * capture failure, cancel, refund): services SIGKILLed at random moments and restarted, and the
 * database connections of every service terminated. Afterwards the system settles and then
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

it(`keeps every promise through SIGKILLs and terminated database connections (seed ${SEED})`, async () => {
  const load = await OrderLoad.start(c, { customerPrefix: 'chaos-' });

  // The faults, one at a time, at random moments.
  const faults: string[] = [];
  const until$ = Date.now() + CHAOS_SECONDS * 1000;
  while (Date.now() < until$) {
    await sleep(1_000 + random() * 3_000);
    if (random() < 0.3) {
      faults.push('pg_terminate_backend');
      await c.sql.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'oms:%'`);
    } else {
      const victim = c.of(SERVICES[Math.floor(random() * SERVICES.length)]!)[0]!;
      faults.push(`SIGKILL ${victim.service}`);
      await c.stopReplica(victim, 'SIGKILL');
      await sleep(random() * 1_500);
      c.startReplica(victim);
      await c.ready(victim);
    }
  }
  await load.stop();
  await expectPromisesKept(c, load, faults, { inFlight: () => messagesInQueues(c), diagnose: async () => ({ deadLetters: await deadLetterSummary(c) }) });
  // A message given up on waits in a dead-letter queue, out of the invariant checker's sight: a
  // crash or a cut connection is a transient failure, never a reason to give a message up.
  expect({ faults, deadLetters: await deadLetterSummary(c) }).toEqual({ faults, deadLetters: {} });
}, 600_000);
