/** A product of the demo catalog, with the stock inventory-service starts it with. */
export interface DemoProduct {
  readonly sku: string;
  readonly name: string;
  readonly priceMinor: bigint;
  readonly currency: string;
  readonly stock: number;
}

/**
 * The zero-install demo catalog of CONTRACT section 6, loaded by inventory-service (stock) and by
 * order-service (its catalog replica) on first start. P001 and P002 at 33.50 USD make the seed's
 * example order (P001 x2 + P002 x1) total 100.50 USD.
 */
export const DEMO_CATALOG: readonly DemoProduct[] = Object.freeze([
  { sku: 'P001', name: 'Wireless Mouse', priceMinor: 3350n, currency: 'USD', stock: 1000 },
  { sku: 'P002', name: 'USB-C Cable', priceMinor: 3350n, currency: 'USD', stock: 1000 },
  { sku: 'P003', name: 'Mechanical Keyboard', priceMinor: 8999n, currency: 'USD', stock: 1000 },
  { sku: 'P004', name: '27-inch Monitor', priceMinor: 24900n, currency: 'USD', stock: 1000 },
  { sku: 'P005', name: 'Laptop Stand', priceMinor: 3999n, currency: 'USD', stock: 1000 },
  { sku: 'P006', name: 'Noise-Cancelling Headphones', priceMinor: 19950n, currency: 'USD', stock: 1000 },
]);
