import { ServiceCluster, sleep } from '../support/service-cluster.js';
import { BrokerRestart } from './support/broker.js';
import { consumedByOutcome, deadLetterSummary, messagesInQueues } from './support/broker-observations.js';
import { takeChaosTurn } from './support/chaos-turn.js';
import { DeliveryRecorder, replay, type Replayed } from './support/delivery-replay.js';
import { OrderLoad } from './support/order-load.js';
import { expectPromisesKept } from './support/promises-kept.js';
import { ProxiedBackends } from './support/proxied-backends.js';
import { chaosSeed, seededRandom } from './support/seeded-random.js';

/**
 * The faults between the processes, under the same steady load of orders with every fate as
 * kill-and-cut: a RabbitMQ restart; latency, connection resets and a blackhole on the way to
 * PostgreSQL and to RabbitMQ (a TCP proxy in front of each, the services' only way to them);
 * commands and replies delivered again, shuffled. Each phase: load, the fault in the middle, load
 * stops and its flows finish, then the system settles (every queue drained too) and keeps every promise (the invariant
 * checker finds nothing, nothing is dead-lettered, the client's record is the database's and
 * each order ended where its fate says). The test's own database pool and AMQP connections
 * bypass the proxies: the faults are the services', never the observer's.
 *
 * Runs alone (`npm run test:chaos`): it restarts the machine's RabbitMQ.
 */
const SEED = chaosSeed();
const random = seededRandom(SEED);
/** Each phase's load lasts at least this long, the faults in its middle. */
const LOAD_MS = Number(process.env.OMS_CHAOS_PHASE_SECONDS ?? 18) * 1000;
/** Steady load before the first fault, and at least this long after the last one. */
const CALM_MS = 4_000;

let c: ServiceCluster;
let backends: ProxiedBackends | undefined;
let broker: BrokerRestart | undefined;
let endTurn: (() => Promise<void>) | undefined;

beforeAll(async () => {
  endTurn = await takeChaosTurn();
  c = await ServiceCluster.start({
    env: { OMS_GATEWAY_LATENCY_MS: '20', OMS_RATE_LIMIT_PER_MINUTE: '0' },
    // The proxies draw each chunk's latency from a generator of their own: how many chunks there
    // are varies, and must not shift the phases' draws.
    serviceUrls: async (direct) => (backends = await ProxiedBackends.start(direct, seededRandom(SEED + 1))).urls,
  });
  broker = new BrokerRestart(c.amqpUrl);
}, 900_000);

afterEach(() => backends?.passThrough());

afterAll(async () => {
  // Whatever failed: the broker runs again (it is the machine's), before the cluster's vhost goes.
  await broker?.ensureRunning();
  await c?.close();
  await backends?.close();
  await endTurn?.();
}, 180_000);

/**
 * One phase: a load of its own customers; `inject` after a calm start; load until LOAD_MS and a
 * calm end; `atStop` when the load stops starting flows (its flows still finishing); then every
 * promise checked. Resolves with the faults injected.
 */
async function phase(name: string, inject: (faults: string[]) => Promise<void>, atStop?: (faults: string[]) => Promise<void>): Promise<string[]> {
  const load = await OrderLoad.start(c, { customerPrefix: `chaos-${name}-` });
  const started = Date.now();
  const faults: string[] = [];
  try {
    await sleep(CALM_MS);
    await inject(faults);
    await sleep(Math.max(CALM_MS, started + LOAD_MS - Date.now()));
  } finally {
    // Even when a fault failed to inject: stop the load, so no flow runs into the next phase.
    const finished = load.stop();
    await atStop?.(faults);
    await finished;
  }
  // Settled includes every queue drained: a copy still queued could change things after the checks.
  await expectPromisesKept(c, load, faults, { inFlight: () => messagesInQueues(c), diagnose: async () => ({ deadLetters: await deadLetterSummary(c) }) });
  // Over RabbitMQ a message given up on waits in a dead-letter queue, out of the invariant checker's sight.
  expect({ faults, deadLetters: await deadLetterSummary(c) }).toEqual({ faults, deadLetters: {} });
  return faults;
}

it(`keeps every promise through a RabbitMQ restart (seed ${SEED})`, async () => {
  await phase('restart', async (faults) => {
    const downMs = 3_000 + random() * 2_000;
    faults.push(`rabbitmqctl stop_app for ${Math.round(downMs)} ms, then start_app`);
    await broker!.restart(downMs);
  });
}, 600_000);

it(`keeps every promise through latency, resets and blackholes on the way to PostgreSQL and RabbitMQ (seed ${SEED})`, async () => {
  const { postgres, rabbitmq } = backends!;
  await phase('network', async (faults) => {
    const latency = [30, 80] as const;
    faults.push(`latency ${latency[0]}-${latency[1]} ms per chunk, both ways, both proxies`);
    postgres.delay(...latency);
    rabbitmq.delay(...latency);
    await sleep(4_000);
    postgres.passThrough();
    rabbitmq.passThrough();

    for (let n = 0; n < 3; n++) {
      const reset = postgres.resetAll() + rabbitmq.resetAll();
      faults.push(`reset ${reset} connections`);
      // A reset that hit nothing tested nothing: the services are connected through the proxies.
      expect(reset).toBeGreaterThan(0);
      await sleep(1_000 + random() * 1_000);
    }

    for (const [name, proxy] of [['PostgreSQL', postgres], ['RabbitMQ', rabbitmq]] as const) {
      await sleep(2_000);
      // A blackhole that held nothing tested nothing.
      expect(proxy.openConnections).toBeGreaterThan(0);
      const blackholeMs = 4_500 + random() * 1_000;
      faults.push(`blackhole ${name} for ${Math.round(blackholeMs)} ms (${proxy.openConnections} connections open)`);
      proxy.blackhole();
      await sleep(blackholeMs);
      proxy.passThrough();
    }
  });
}, 600_000);

it(`keeps every promise when commands and replies are delivered again, shuffled (seed ${SEED})`, async () => {
  const before = await consumedByOutcome(c);
  const replayed: Replayed[] = [];
  let recorder = await DeliveryRecorder.start(c.amqpUrl);
  await phase(
    'replay',
    async (faults) => {
      // The load's commands and replies so far, again, while the load goes on.
      await sleep(LOAD_MS / 2 - CALM_MS);
      const firstHalf = await recorder.stop();
      recorder = await DeliveryRecorder.start(c.amqpUrl);
      replayed.push(await replay(c.amqpUrl, firstHalf, random));
      faults.push(`replayed ${firstHalf.length} commands and replies, shuffled: all with their own message ids, releases and voids also with fresh ones`);
    },
    async (faults) => {
      // The rest, as the last flows finish.
      const secondHalf = await recorder.stop();
      replayed.push(await replay(c.amqpUrl, secondHalf, random));
      faults.push(`replayed the other ${secondHalf.length} the same way as the load stopped`);
    },
  );
  const sameId = replayed.reduce((sum, r) => sum + r.sameId, 0);
  expect(sameId).toBeGreaterThan(100);
  expect(replayed.reduce((sum, r) => sum + r.freshId, 0)).toBeGreaterThan(0);
  // Every copy with its original id reached a consumer, and its inbox knew it already.
  const after = await consumedByOutcome(c);
  const duplicates = (after.duplicate ?? 0) - (before.duplicate ?? 0);
  expect({ sameId, duplicates: Math.min(duplicates, sameId) }).toEqual({ sameId, duplicates: sameId });
}, 600_000);
