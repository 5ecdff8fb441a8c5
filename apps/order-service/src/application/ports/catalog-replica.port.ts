/** Writes to order-service's copy of the catalog, fed by inventory-service's catalog events. */
export abstract class CatalogReplica {
  /** Last write wins: catalog events of one sku are published in order. */
  abstract upsert(product: { sku: string; name: string; currency: string; unitPriceMinor: bigint }): Promise<void>;
}
