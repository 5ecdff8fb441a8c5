import { Money } from '../../src/domain/money.js';
import { Product } from '../../src/domain/product.aggregate.js';

const T0 = new Date('2029-12-31T00:00:00.000Z');

/** A product as the catalog would hold it; 33.50 USD unless told otherwise. */
export function aProduct(sku: string, stock: number, props: { name?: string; priceMinor?: bigint } = {}): Product {
  return Product.create({
    sku,
    name: props.name ?? `Product ${sku}`,
    unitPrice: Money.of(props.priceMinor ?? 3350n, 'USD'),
    stock,
    now: T0,
  });
}
