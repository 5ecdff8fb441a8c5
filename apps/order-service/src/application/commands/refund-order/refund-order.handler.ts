import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { changeOrder } from '../../order-access.js';
import { Clock } from '../../ports/clock.port.js';
import { OrderRepository } from '../../ports/order.repository.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import { OrderSagaCoordinator } from '../../saga/order-saga.coordinator.js';
import { toOrderView, type OrderView } from '../../views/order.view.js';
import { RefundOrderCommand } from './refund-order.command.js';

/** Reason recorded when the client gives none. */
export const DEFAULT_REFUND_REASON = 'REFUND_REQUESTED';

/**
 * PAID or CONFIRMED -> REFUNDED; the saga refunds the money and returns the stock. Refused while
 * the commit of a just-paid order is under way (OPERATION_IN_PROGRESS).
 */
@CommandHandler(RefundOrderCommand)
export class RefundOrderHandler implements ICommandHandler<RefundOrderCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly saga: OrderSagaCoordinator,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(command: RefundOrderCommand): Promise<OrderView> {
    const reason = command.reason || DEFAULT_REFUND_REASON;
    const order = await changeOrder(
      { orders: this.orders, saga: this.saga, uow: this.uow },
      command,
      () => ({ kind: 'refund-requested', reason }),
      (o) => o.refund(reason, this.clock.now()),
    );
    return toOrderView(order);
  }
}
