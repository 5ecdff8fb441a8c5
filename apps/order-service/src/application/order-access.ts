import type { Order } from '../domain/order.aggregate.js';
import { mayAccess, type Actor } from './actor.js';
import { OrderNotFoundError, VersionMismatchError } from './application.errors.js';
import type { OrderEventPublisher } from './ports/order-event.publisher.port.js';
import type { OrderRepository } from './ports/order.repository.port.js';

/**
 * Loads an order the actor may see. Another customer's order is reported exactly like a missing
 * one, so ids cannot be probed.
 */
export async function loadOwnOrder(orders: OrderRepository, actor: Actor, id: string): Promise<Order> {
  const order = await orders.findById(id);
  if (order === null || !mayAccess(actor, order.customerId)) throw new OrderNotFoundError(id);
  return order;
}

export interface OrderChange {
  readonly actor: Actor;
  readonly orderId: string;
  /** Optimistic concurrency chosen by the client: when given, it must equal the stored version. */
  readonly expectedVersion?: number;
}

/**
 * The shape every mutating use case shares: load the actor's order, check the expected version,
 * apply one aggregate behaviour, store it (conditionally on the version it was loaded at) with its
 * events, then announce them.
 */
export async function changeOrder(
  deps: { readonly orders: OrderRepository; readonly events: OrderEventPublisher },
  change: OrderChange,
  apply: (order: Order) => void,
): Promise<Order> {
  const order = await loadOwnOrder(deps.orders, change.actor, change.orderId);
  if (change.expectedVersion !== undefined && change.expectedVersion !== order.version) {
    throw new VersionMismatchError(order.id, change.expectedVersion, order.version);
  }
  apply(order);
  const events = order.peekEvents().slice();
  await deps.orders.update(order);
  await deps.events.publish(events);
  return order;
}
