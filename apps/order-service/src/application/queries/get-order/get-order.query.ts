import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../actor.js';
import type { OrderView } from '../../views/order.view.js';

export class GetOrderQuery extends Query<OrderView> {
  constructor(
    readonly actor: Actor,
    readonly orderId: string,
  ) {
    super();
  }
}
