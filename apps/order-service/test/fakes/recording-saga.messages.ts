import { SagaMessages } from '../../src/application/ports/saga-messages.port.js';
import type { OrderSagaState, SagaPhase } from '../../src/application/saga/order-saga.state.js';
import type { SagaCommand } from '../../src/application/saga/order-saga.steps.js';
import type { Order } from '../../src/domain/order.aggregate.js';

/** One call of SagaMessages.send: what went to the outbox together. */
export interface SentSagaMessages {
  readonly orderId: string;
  readonly commands: readonly SagaCommand[];
  /** The phase of the saga the commands were sent with (its state after the decision). */
  readonly sagaPhase: SagaPhase;
  /** What the outbox adapter puts in the payloads: the saga's payment id and the order's status reason. */
  readonly paymentId: string | null;
  readonly reason: string;
}

/** Keeps every batch of saga commands, oldest first. Sending is part of the transaction, as with the outbox. */
export class RecordingSagaMessages extends SagaMessages {
  readonly sent: SentSagaMessages[] = [];

  async send(order: Order, saga: OrderSagaState, commands: readonly SagaCommand[], paymentId?: string): Promise<void> {
    if (order.id !== saga.orderId) throw new Error(`commands of order ${order.id} sent with the saga of ${saga.orderId}`);
    this.sent.push({
      orderId: order.id,
      commands: [...commands],
      sagaPhase: saga.phase,
      paymentId: paymentId ?? saga.paymentId,
      reason: order.statusReason,
    });
  }

  /** Every command sent, oldest first; only those of `orderId` when given. */
  commands(orderId?: string): SagaCommand[] {
    return this.sent.filter((s) => orderId === undefined || s.orderId === orderId).flatMap((s) => s.commands);
  }
}
