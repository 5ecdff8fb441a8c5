/** Names to use instead of the standard ones (see {@link InventoryTopology}). */
export interface InventoryTopologyNames {
  readonly commandsExchange?: string;
  readonly repliesExchange?: string;
  readonly eventsExchange?: string;
  readonly commandsQueue?: string;
}

/**
 * The RabbitMQ names inventory-service uses (docs/messaging.md). Fixed in every deployment; a
 * test gives its own so that it neither receives other runs' commands nor answers them.
 */
export class InventoryTopology {
  /** Where the saga's commands come from. */
  readonly commandsExchange: string;
  /** Where the replies to them go. */
  readonly repliesExchange: string;
  /** Where catalog changes go. */
  readonly eventsExchange: string;
  /** The queue inventory-service consumes its commands from. */
  readonly commandsQueue: string;

  constructor(names: InventoryTopologyNames = {}) {
    this.commandsExchange = names.commandsExchange ?? 'oms.commands';
    this.repliesExchange = names.repliesExchange ?? 'oms.replies';
    this.eventsExchange = names.eventsExchange ?? 'oms.events';
    this.commandsQueue = names.commandsQueue ?? 'inventory-service.commands';
  }

  /** Every exchange the service declares. */
  get exchanges(): string[] {
    return [this.commandsExchange, this.repliesExchange, this.eventsExchange];
  }
}
