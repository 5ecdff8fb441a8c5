import amqp from 'amqplib';
import { SERVICES, type ServiceCluster } from '../../support/service-cluster.js';
import { rabbitmqctlAsync } from './broker.js';

/**
 * Deliveries the services' consumers took, summed over every replica's `/metrics` by outcome
 * (`oms_messages_consumed_total`: handled, duplicate, retry, dead_letter). A restarted replica
 * starts from zero: compare two readings only across a phase without kills.
 */
export async function consumedByOutcome(c: ServiceCluster): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const service of SERVICES) {
    for (const replica of c.of(service)) {
      const text = await (await fetch(`http://127.0.0.1:${replica.http}/metrics`)).text();
      for (const [, outcome, value] of text.matchAll(/^oms_messages_consumed_total\{[^}]*outcome="([a-z_]+)"[^}]*\} (\S+)$/gm)) {
        totals[outcome!] = (totals[outcome!] ?? 0) + Number(value);
      }
    }
  }
  return totals;
}

/** Messages (ready or unacknowledged) in each non-empty queue of the cluster's vhost. */
async function queueDepths(c: ServiceCluster): Promise<Record<string, number>> {
  const listing = await rabbitmqctlAsync('list_queues', '-p', c.vhost, 'name', 'messages', '-q', '--no-table-headers');
  const depths: Record<string, number> = {};
  for (const [name, messages] of listing.split('\n').map((line) => line.trim().split(/\s+/))) {
    if (name && Number(messages) > 0) depths[name] = Number(messages);
  }
  return depths;
}

/**
 * Messages still on their way through the vhost's queues (the services' queues and their retry
 * queues; dead letters never leave, see {@link deadLetters}): for the settle step, as
 * `{ queues: [{ queue, messages }] }`.
 */
export async function messagesInQueues(c: ServiceCluster): Promise<Record<string, unknown[]>> {
  const depths = Object.entries(await queueDepths(c)).filter(([queue]) => !queue.endsWith('.dlq'));
  return { queues: depths.map(([queue, messages]) => ({ queue, messages })) };
}

/**
 * Messages in the dead-letter queues (`<queue>.dlq`) of the cluster's vhost, by queue. Over
 * RabbitMQ a dead letter waits there: the invariant checker, which reads the databases, sees only
 * the in-process transport's (`deferred_deliveries`).
 */
export async function deadLetters(c: ServiceCluster): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await queueDepths(c)).filter(([queue]) => queue.endsWith('.dlq')));
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The dead letters of the cluster's vhost, for a failure message: per dead-letter queue, how many
 * died of what (`<routing key> <x-death-reason>: <x-last-error>`, ids blanked so alike ones add
 * up). Read without acknowledging: closing the connection hands them back to their queues.
 */
export async function deadLetterSummary(c: ServiceCluster, atMost = 1_000): Promise<Record<string, Record<string, number>>> {
  const summary: Record<string, Record<string, number>> = {};
  const connection = await amqp.connect(c.amqpUrl);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    for (const queue of Object.keys(await deadLetters(c))) {
      const causes: Record<string, number> = (summary[queue] = {});
      for (let n = 0; n < atMost; n++) {
        const m = await channel.get(queue, { noAck: false });
        if (!m) break;
        const h = m.properties.headers ?? {};
        const cause = `${String(h['x-original-routing-key'] ?? m.fields.routingKey)} ${String(h['x-death-reason'])}: ${String(h['x-last-error']).replace(UUID, '<id>')}`;
        causes[cause] = (causes[cause] ?? 0) + 1;
      }
    }
  } finally {
    await connection.close();
  }
  return summary;
}
