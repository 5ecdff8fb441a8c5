import { Command } from '@nestjs/cqrs';
import type { ProductView } from '../../views/product.view.js';

/** Create or replace a catalog entry; stock is the units on hand, reserved ones included. */
export class UpsertProductCommand extends Command<ProductView> {
  constructor(
    readonly sku: string,
    readonly name: string,
    readonly price: { readonly currency: string; readonly amountMinor: bigint },
    readonly stock: number,
  ) {
    super();
  }
}
