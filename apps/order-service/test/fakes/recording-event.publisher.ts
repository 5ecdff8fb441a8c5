import { OrderEventPublisher } from '../../src/application/ports/order-event.publisher.port.js';
import type { OrderEvent } from '../../src/domain/order.events.js';

/** Keeps every published event, oldest first. */
export class RecordingEventPublisher extends OrderEventPublisher {
  readonly published: OrderEvent[] = [];

  async publish(events: readonly OrderEvent[]): Promise<void> {
    this.published.push(...events);
  }
}
