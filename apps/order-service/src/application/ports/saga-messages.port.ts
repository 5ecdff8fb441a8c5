import type { Order } from '../../domain/order.aggregate.js';
import type { OrderSagaState } from '../saga/order-saga.state.js';
import type { SagaCommand } from '../saga/order-saga.steps.js';

/**
 * Sends the saga's commands to inventory and payment. Messages join the current transaction
 * (outbox), so they leave if and only if the decision that produced them commits.
 */
export abstract class SagaMessages {
  /** `paymentId` overrides the saga's current payment for payment commands (a stray hold's void). */
  abstract send(order: Order, saga: OrderSagaState, commands: readonly SagaCommand[], paymentId?: string): Promise<void>;
}
