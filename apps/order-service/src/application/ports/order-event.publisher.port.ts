import type { OrderEvent } from '../../domain/order.events.js';

/**
 * Announces committed domain events inside this process (e.g. to the saga). Durable delivery to
 * other services goes through the outbox the repository writes, never through this port.
 */
export abstract class OrderEventPublisher {
  abstract publish(events: readonly OrderEvent[]): Promise<void>;
}
