import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { loadOwnOrder } from '../../order-access.js';
import { OrderRepository } from '../../ports/order.repository.port.js';
import { toOrderView, type OrderView } from '../../views/order.view.js';
import { GetOrderQuery } from './get-order.query.js';

@QueryHandler(GetOrderQuery)
export class GetOrderHandler implements IQueryHandler<GetOrderQuery> {
  constructor(private readonly orders: OrderRepository) {}

  async execute(query: GetOrderQuery): Promise<OrderView> {
    return toOrderView(await loadOwnOrder(this.orders, query.actor, query.orderId));
  }
}
