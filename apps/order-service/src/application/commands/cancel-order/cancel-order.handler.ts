import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { changeOrder } from '../../order-access.js';
import { Clock } from '../../ports/clock.port.js';
import { OrderEventPublisher } from '../../ports/order-event.publisher.port.js';
import { OrderRepository } from '../../ports/order.repository.port.js';
import { toOrderView, type OrderView } from '../../views/order.view.js';
import { CancelOrderCommand } from './cancel-order.command.js';

/** Reason recorded when the client gives none. */
export const DEFAULT_CANCEL_REASON = 'CANCELED_BY_CUSTOMER';

/**
 * PENDING or RESERVED -> CANCELED (a held payment is voided with it). Releasing the stock and
 * voiding at the gateway are compensations the saga runs on the resulting event.
 */
@CommandHandler(CancelOrderCommand)
export class CancelOrderHandler implements ICommandHandler<CancelOrderCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly events: OrderEventPublisher,
    private readonly clock: Clock,
  ) {}

  async execute(command: CancelOrderCommand): Promise<OrderView> {
    const reason = command.reason || DEFAULT_CANCEL_REASON;
    const order = await changeOrder({ orders: this.orders, events: this.events }, command, (o) => o.cancel(reason, this.clock.now()));
    return toOrderView(order);
  }
}
