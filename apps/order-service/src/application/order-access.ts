import type { Order } from '../domain/order.aggregate.js';
import { mayAccess, type Actor } from './actor.js';
import { OrderNotFoundError, VersionMismatchError } from './application.errors.js';
import type { OrderRepository } from './ports/order.repository.port.js';
import type { UnitOfWork } from './ports/unit-of-work.port.js';
import type { OrderSagaCoordinator } from './saga/order-saga.coordinator.js';
import type { OrderSagaState, SagaInput } from './saga/order-saga.state.js';

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

export interface ChangeDeps {
  readonly orders: OrderRepository;
  readonly saga: OrderSagaCoordinator;
  readonly uow: UnitOfWork;
}

/**
 * The shape every client operation on an order shares, in one transaction: lock the order's saga
 * (operations on one order never interleave), load the actor's order, check the expected version,
 * then let the saga decide (`input`), falling back to the aggregate behaviour (`direct`) which
 * performs or refuses what the saga has no part in. The order is stored (conditionally on the
 * version it was loaded at) with its events, and the saga's commands go to the outbox.
 */
export function changeOrder(
  deps: ChangeDeps,
  change: OrderChange,
  input: (order: Order, saga: OrderSagaState | null) => SagaInput,
  direct: (order: Order) => void,
  /** Applied to the order before the saga is asked (e.g. starting a payment, which validates). */
  first?: (order: Order) => void,
): Promise<Order> {
  return deps.uow.run(async () => {
    const saga = await deps.saga.lock(change.orderId);
    const order = await loadOwnOrder(deps.orders, change.actor, change.orderId);
    if (change.expectedVersion !== undefined && change.expectedVersion !== order.version) {
      throw new VersionMismatchError(order.id, change.expectedVersion, order.version);
    }
    first?.(order);
    await deps.saga.request(order, saga, input(order, saga), direct);
    return order;
  });
}
