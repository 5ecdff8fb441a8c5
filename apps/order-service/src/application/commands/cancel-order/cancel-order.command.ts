import { Command } from '@nestjs/cqrs';
import type { OrderChange } from '../../order-access.js';
import type { OrderView } from '../../views/order.view.js';

export class CancelOrderCommand extends Command<OrderView> implements OrderChange {
  constructor(
    readonly actor: OrderChange['actor'],
    readonly orderId: string,
    readonly reason: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}
