import type { OrderSagaState } from '../saga/order-saga.state.js';

/** Persistence of the order sagas: one row per order, next to the order itself. */
export abstract class OrderSagaRepository {
  abstract insert(state: OrderSagaState): Promise<void>;
  /**
   * The saga of an order, locked until the surrounding transaction ends, so replies for one order
   * are decided one after the other whatever the number of consumers and replicas.
   */
  abstract lock(orderId: string): Promise<OrderSagaState | null>;
  abstract update(state: OrderSagaState): Promise<void>;
  /** Reads without locking. */
  abstract find(orderId: string): Promise<OrderSagaState | null>;
  /** Orders whose saga deadline has passed, locked and skipping those another replica holds. */
  abstract lockDue(now: Date, limit: number): Promise<string[]>;
}
