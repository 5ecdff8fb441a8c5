/** Order statuses as the events name them, without the `ORDER_STATUS_` prefix. */
export type OrderStatusName = 'PENDING' | 'RESERVED' | 'PAID' | 'CONFIRMED' | 'CANCELED' | 'REFUNDED';

/** What notification-service knows of an order, merged from its `order.status_changed` events. */
export interface TrackedOrder {
  readonly orderId: string;
  readonly customerId: string;
  /** The `email` claim of the token that created the order; empty when unknown. */
  readonly contactEmail: string;
  /** The status of the latest event seen (highest seq), whatever order the events arrived in. */
  readonly status: OrderStatusName;
  readonly statusSeq: number;
  /** When the order was reserved (its RESERVED event's occurred_at), if it was. */
  readonly reservedAt: Date | null;
}

/** One `order.status_changed` event, as far as routing notifications needs it. */
export interface OrderStatusFact {
  readonly orderId: string;
  readonly customerId: string;
  readonly contactEmail: string;
  readonly status: OrderStatusName;
  readonly seq: number;
  readonly occurredAt: Date;
}

/**
 * The orders notification-service has heard of. Written in the caller's {@link UnitOfWork}, i.e.
 * in the transaction of the event being consumed.
 */
export abstract class TrackedOrders {
  /**
   * Merges an event into the order's record and returns the result: customer and contact e-mail
   * are kept from the first event that had them, the status is the highest seq's, and the
   * reservation time is the RESERVED event's.
   */
  abstract record(fact: OrderStatusFact): Promise<TrackedOrder>;

  abstract find(orderId: string): Promise<TrackedOrder | null>;
}
