import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { changeOrder } from '../../order-access.js';
import { Clock } from '../../ports/clock.port.js';
import { OrderRepository } from '../../ports/order.repository.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import { OrderSagaCoordinator } from '../../saga/order-saga.coordinator.js';
import { toOrderView, type OrderView } from '../../views/order.view.js';
import { CancelOrderCommand } from './cancel-order.command.js';

/** Reason recorded when the client gives none. */
export const DEFAULT_CANCEL_REASON = 'CANCELED_BY_CUSTOMER';

/**
 * PENDING or RESERVED -> CANCELED; the saga releases the stock. Refused while a payment is under
 * way (OPERATION_IN_PROGRESS) and, by the order itself, once paid (refund instead).
 */
@CommandHandler(CancelOrderCommand)
export class CancelOrderHandler implements ICommandHandler<CancelOrderCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly saga: OrderSagaCoordinator,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(command: CancelOrderCommand): Promise<OrderView> {
    const reason = command.reason || DEFAULT_CANCEL_REASON;
    const order = await changeOrder(
      { orders: this.orders, saga: this.saga, uow: this.uow },
      command,
      () => ({ kind: 'cancel-requested', reason }),
      (o) => o.cancel(reason, this.clock.now()),
    );
    return toOrderView(order);
  }
}
