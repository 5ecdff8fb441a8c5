import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Money } from '../../../domain/money.js';
import { Product } from '../../../domain/product.aggregate.js';
import { Clock } from '../../ports/clock.port.js';
import { InventoryMessages } from '../../ports/inventory-messages.port.js';
import { ProductRepository } from '../../ports/product.repository.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import { toProductView, type ProductView } from '../../views/product.view.js';
import { UpsertProductCommand } from './upsert-product.command.js';

/**
 * Creates a product, or replaces name, price and stock of an existing one (its reserved units
 * stay held; stock below them is refused). A change is announced as `catalog.product_changed`,
 * which keeps order-service's catalog replica current; an identical upsert announces nothing.
 */
@CommandHandler(UpsertProductCommand)
export class UpsertProductHandler implements ICommandHandler<UpsertProductCommand> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly products: ProductRepository,
    private readonly messages: InventoryMessages,
    private readonly clock: Clock,
  ) {}

  async execute(command: UpsertProductCommand): Promise<ProductView> {
    const facts = {
      name: command.name,
      unitPrice: Money.of(command.price.amountMinor, command.price.currency),
      stock: command.stock,
    };
    return this.unitOfWork.run(async () => {
      const now = this.clock.now();
      const existing = await this.products.lockForUpsert(command.sku);
      const product = existing ?? Product.create({ sku: command.sku, ...facts, now });
      if (existing) existing.replace(facts, now);
      const changed = product.pullEvents().length > 0;
      if (existing) await this.products.update([product]);
      else await this.products.insert(product);
      const view = toProductView(product);
      if (changed) await this.messages.productChanged(view);
      return view;
    });
  }
}
