import type { Order } from '../../domain/order.aggregate.js';
import type { OrderStatus } from '../../domain/order-status.js';

/** Position of the last order on a page: lists are ordered newest first by (createTime, id). */
export interface OrderCursor {
  readonly createTime: Date;
  readonly id: string;
}

export interface OrderListCriteria {
  /** Only this customer's orders; undefined lists every customer's (admins only). */
  readonly customerId?: string;
  readonly status?: OrderStatus;
  /** Return orders strictly after this position. */
  readonly after?: OrderCursor;
  readonly limit: number;
}

/**
 * Persistence of Order aggregates. Saving also stores the events the aggregate recorded in the
 * service's outbox, in the same transaction, so a state change is never committed without them.
 */
export abstract class OrderRepository {
  abstract findById(id: string): Promise<Order | null>;
  /** Inserts a new order; its events go to the outbox in the same transaction. */
  abstract insert(order: Order): Promise<void>;
  /**
   * Updates an order only if its stored version still equals `order.persistedVersion`.
   * @throws ConcurrentModificationError when another writer got there first.
   */
  abstract update(order: Order): Promise<void>;
  abstract list(criteria: OrderListCriteria): Promise<Order[]>;
}
