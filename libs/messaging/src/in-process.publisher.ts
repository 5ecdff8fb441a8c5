import type { InProcessBroker } from './in-process.broker.js';
import { MessagePublisher, type PublishedMessage, type PublishResult } from './message.publisher.js';

/**
 * Publishes to an {@link InProcessBroker}. A message succeeds once every in-process consumer it
 * is routed to has taken it; unroutable messages fail, as with `mandatory` on RabbitMQ.
 */
export class InProcessPublisher extends MessagePublisher {
  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  publish(batch: readonly PublishedMessage[]): Promise<PublishResult[]> {
    return Promise.all(batch.map((message) => this.broker.publish(message)));
  }
}
