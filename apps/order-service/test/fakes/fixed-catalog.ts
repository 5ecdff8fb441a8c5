import { Catalog, type CatalogProduct } from '../../src/application/ports/catalog.port.js';
import { Money } from '../../src/domain/money.js';

/** P001 and P002 at 33.50 USD as in the demo catalog, and E001 sold in euros. */
export const DEFAULT_PRODUCTS: readonly CatalogProduct[] = Object.freeze([
  { sku: 'P001', name: 'Demo product 1', unitPrice: Money.of(3350n, 'USD') },
  { sku: 'P002', name: 'Demo product 2', unitPrice: Money.of(3350n, 'USD') },
  { sku: 'E001', name: 'Euro product', unitPrice: Money.of(1999n, 'EUR') },
]);

/** A catalog over a fixed list of products. */
export class FixedCatalog extends Catalog {
  readonly #products: ReadonlyMap<string, CatalogProduct>;

  constructor(products: readonly CatalogProduct[] = DEFAULT_PRODUCTS) {
    super();
    this.#products = new Map(products.map((p) => [p.sku, p]));
  }

  async findBySkus(skus: readonly string[]): Promise<ReadonlyMap<string, CatalogProduct>> {
    const found = new Map<string, CatalogProduct>();
    for (const sku of skus) {
      const product = this.#products.get(sku);
      if (product !== undefined) found.set(sku, product);
    }
    return found;
  }
}
