import type { MessagingQueue } from '#libs/messaging';

/** Names to use instead of the standard ones (see {@link NotificationTopology}). */
export interface NotificationTopologyNames {
  readonly eventsExchange?: string;
  readonly eventsQueue?: string;
}

/** The routing keys notification-service consumes from the events exchange (CONTRACT section 5). */
export const CONSUMED_EVENTS = ['order.status_changed', 'payment.status_changed'] as const;

/**
 * The RabbitMQ names notification-service uses (docs/messaging.md): its queue
 * `notification-service.events`, bound to `oms.events` by the two public event keys. A test gives
 * its own names to stay isolated.
 */
export class NotificationTopology {
  readonly eventsExchange: string;
  readonly eventsQueue: string;

  constructor(names: NotificationTopologyNames = {}) {
    this.eventsExchange = names.eventsExchange ?? 'oms.events';
    this.eventsQueue = names.eventsQueue ?? 'notification-service.events';
  }

  get queues(): MessagingQueue[] {
    return [{ name: this.eventsQueue, bindings: CONSUMED_EVENTS.map((pattern) => ({ exchange: this.eventsExchange, pattern })) }];
  }
}
