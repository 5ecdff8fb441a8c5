import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { changeOrder } from '../../order-access.js';
import { Clock } from '../../ports/clock.port.js';
import { OrderEventPublisher } from '../../ports/order-event.publisher.port.js';
import { OrderRepository } from '../../ports/order.repository.port.js';
import { toOrderView, type OrderView } from '../../views/order.view.js';
import { RefundOrderCommand } from './refund-order.command.js';

/** Reason recorded when the client gives none. */
export const DEFAULT_REFUND_REASON = 'REFUND_REQUESTED';

/**
 * PAID or CONFIRMED -> REFUNDED. Returning the money and the stock are effects the saga drives
 * from the resulting event.
 */
@CommandHandler(RefundOrderCommand)
export class RefundOrderHandler implements ICommandHandler<RefundOrderCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly events: OrderEventPublisher,
    private readonly clock: Clock,
  ) {}

  async execute(command: RefundOrderCommand): Promise<OrderView> {
    const reason = command.reason || DEFAULT_REFUND_REASON;
    const order = await changeOrder({ orders: this.orders, events: this.events }, command, (o) => o.refund(reason, this.clock.now()));
    return toOrderView(order);
  }
}
