import { processMetrics } from '#libs/metrics';
import type { DeliveryOutcome, IncomingDelivery } from './delivery.pipeline.js';
import type { OutboxRelay } from './outbox.relay.js';

/** Counts each delivery outcome of `consumer`: handled, duplicate (inbox hit), retry, dead_letter. */
export function recordDeliveryOutcome(consumer: string): (outcome: DeliveryOutcome, delivery: IncomingDelivery) => void {
  const metrics = processMetrics();
  return (outcome, delivery) => {
    const kind =
      outcome.kind === 'handled'
        ? outcome.ignored
          ? 'ignored'
          : outcome.duplicate
            ? 'duplicate'
            : 'handled'
        : outcome.kind === 'retry'
          ? 'retry'
          : 'dead_letter';
    metrics.messagesConsumed.inc({ consumer, queue: delivery.queue, outcome: kind });
    if (outcome.kind === 'dead-letter') metrics.deadLetters.inc({ consumer, queue: delivery.queue, reason: outcome.reason });
  };
}

/** Sets the outbox backlog gauges of `schema` from the relay's stats at every scrape; returns the remover. */
export function recordOutboxBacklog(schema: string, relay: OutboxRelay): () => void {
  const metrics = processMetrics();
  return metrics.addCollector(`outbox:${schema}`, async () => {
    const stats = await relay.stats();
    metrics.outboxBacklog.set({ schema }, stats.pending + stats.parked);
    metrics.outboxOldestAge.set({ schema }, stats.oldestPendingAgeMs / 1000);
  });
}
