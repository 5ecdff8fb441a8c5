import type { Money } from '../../domain/money.js';

export interface CatalogProduct {
  readonly sku: string;
  readonly name: string;
  readonly unitPrice: Money;
}

/** The product catalog order-service trusts for skus and prices at CreateOrder. */
export abstract class Catalog {
  /** The known products among `skus`; unknown skus are simply absent from the map. */
  abstract findBySkus(skus: readonly string[]): Promise<ReadonlyMap<string, CatalogProduct>>;
}
