import { Injectable } from '@nestjs/common';
import { inventoryV1, paymentV1 } from '#libs/contracts';
import { OutboxWriter } from '#libs/messaging';
import type { Order } from '../../../domain/order.aggregate.js';
import { SagaMessages } from '../../../application/ports/saga-messages.port.js';
import type { OrderSagaState } from '../../../application/saga/order-saga.state.js';
import type { SagaCommand } from '../../../application/saga/order-saga.steps.js';

export const COMMANDS_EXCHANGE = 'oms.commands';

/** The saga's commands as `oms.v1` messages on `oms.commands` (docs/messaging.md), through the outbox. */
@Injectable()
export class OutboxSagaMessages extends SagaMessages {
  constructor(private readonly outbox: OutboxWriter) {
    super();
  }

  async send(order: Order, saga: OrderSagaState, commands: readonly SagaCommand[], paymentId?: string): Promise<void> {
    await this.outbox.append(
      commands.map((command) => ({
        exchange: COMMANDS_EXCHANGE,
        routingKey: command,
        aggregateId: order.id,
        payload: payloadOf(command, order, paymentId ?? saga.paymentId ?? ''),
      })),
    );
  }
}

function payloadOf(command: SagaCommand, order: Order, paymentId: string): unknown {
  const orderId = order.id;
  const reason = order.statusReason;
  switch (command) {
    case 'inventory.reserve':
      return inventoryV1.ReserveRequest.toJSON({ orderId, items: order.items.map((i) => ({ sku: i.sku, qty: i.qty })) });
    case 'inventory.release':
      return inventoryV1.ReleaseRequest.toJSON({ orderId, reason });
    case 'inventory.commit':
      return inventoryV1.CommitRequest.toJSON({ orderId });
    case 'inventory.restock':
      return inventoryV1.RestockRequest.toJSON({ orderId, reason });
    case 'payment.capture':
      return paymentV1.CaptureRequest.toJSON({ orderId, paymentId });
    case 'payment.void':
      return paymentV1.VoidRequest.toJSON({ orderId, paymentId, reason });
    case 'payment.refund':
      return paymentV1.RefundRequest.toJSON({ orderId, paymentId, reason });
  }
}
