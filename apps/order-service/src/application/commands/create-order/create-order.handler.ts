import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Order } from '../../../domain/order.aggregate.js';
import { mayAccess } from '../../actor.js';
import { ForbiddenError, InvalidRequestError } from '../../application.errors.js';
import { Catalog, type CatalogProduct } from '../../ports/catalog.port.js';
import { Clock } from '../../ports/clock.port.js';
import { IdGenerator } from '../../ports/id-generator.port.js';
import { OrderEventPublisher } from '../../ports/order-event.publisher.port.js';
import { OrderRepository } from '../../ports/order.repository.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import { OrderSagaCoordinator } from '../../saga/order-saga.coordinator.js';
import { assertStatedAmount } from '../../stated-amount.js';
import { toOrderView, type OrderView } from '../../views/order.view.js';
import { CreateOrderCommand, type CreateOrderItemInput } from './create-order.command.js';

@CommandHandler(CreateOrderCommand)
export class CreateOrderHandler implements ICommandHandler<CreateOrderCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly catalog: Catalog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly events: OrderEventPublisher,
    private readonly saga: OrderSagaCoordinator,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(command: CreateOrderCommand): Promise<OrderView> {
    const customerId = command.customerId || command.actor.subject;
    if (!mayAccess(command.actor, customerId)) {
      throw new ForbiddenError('a customer may only create orders for themselves', { customerId });
    }
    const products = await this.catalog.findBySkus(command.items.map((i) => i.sku));
    checkAgainstCatalog(command, products);

    const order = Order.create({
      id: this.ids.newId(),
      customerId,
      items: command.items.map((i) => ({ sku: i.sku, qty: i.qty, unitPrice: products.get(i.sku)!.unitPrice })),
      now: this.clock.now(),
    });
    if (command.statedAmount !== undefined) assertStatedAmount(order.amount, command.statedAmount);
    const events = order.peekEvents().slice();
    // The order, its events and the saga's first command (reserve the stock) commit together.
    await this.uow.run(async () => {
      await this.orders.insert(order);
      await this.saga.start(order);
    });
    await this.events.publish(events);
    return toOrderView(order);
  }
}

/** Skus must exist; prices and currency, when the client states them, must be the catalog's. */
function checkAgainstCatalog(command: CreateOrderCommand, products: ReadonlyMap<string, CatalogProduct>): void {
  const violations: { field: string; description: string }[] = [];
  command.items.forEach((item: CreateOrderItemInput, i) => {
    const product = products.get(item.sku);
    if (!product) {
      violations.push({ field: `items[${i}].sku`, description: `unknown sku ${item.sku}` });
      return;
    }
    const { currency, amountMinor } = product.unitPrice;
    if (item.price && (item.price.currency !== currency || item.price.amountMinor !== amountMinor)) {
      violations.push({
        field: `items[${i}].price`,
        description: `must equal the catalog price ${amountMinor} ${currency} (minor units)`,
      });
    }
    if (command.currency && command.currency !== currency && !violations.some((v) => v.field === 'currency')) {
      violations.push({ field: 'currency', description: `${item.sku} is sold in ${currency}, not ${command.currency}` });
    }
  });
  if (violations.length > 0) throw new InvalidRequestError(violations);
}
