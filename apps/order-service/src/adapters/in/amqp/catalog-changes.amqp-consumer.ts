import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { inventoryV1 } from '#libs/contracts';
import { messagingTransportId, PermanentMessageError } from '#libs/messaging';

/** Only order-service's transport registers these handlers (several share the all-in-one process). */
const ORDER_TRANSPORT = messagingTransportId('order-service');
import { CatalogReplica } from '../../../application/ports/catalog-replica.port.js';

/**
 * Keeps order-service's trusted catalog (skus and prices for CreateOrder) in step with
 * inventory-service, so creating an order never needs inventory-service to be up.
 */
@Controller()
export class CatalogChangesAmqpConsumer {
  constructor(private readonly replica: CatalogReplica) {}

  @EventPattern<string>('catalog.product_changed', ORDER_TRANSPORT)
  async changed(@Payload() payload: unknown): Promise<void> {
    let product: inventoryV1.Product;
    try {
      product = inventoryV1.Product.fromJSON(payload);
    } catch (error) {
      throw new PermanentMessageError(`unreadable product: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!product.sku || !product.price?.currency) throw new PermanentMessageError('product without sku or price');
    await this.replica.upsert({
      sku: product.sku,
      name: product.name,
      currency: product.price.currency,
      unitPriceMinor: BigInt(product.price.amountMinor),
    });
  }
}
