import type { Product } from '../../domain/product.aggregate.js';

/** Products and their stock. Locks are held until the enclosing {@link UnitOfWork} ends. */
export abstract class ProductRepository {
  /** The known products among `skus`, without locking (reads); unknown skus are absent. */
  abstract findBySkus(skus: readonly string[]): Promise<Product[]>;

  /**
   * Loads and locks the known products among `skus` for a stock movement. Rows are locked in sku
   * order, so two units of work over overlapping skus never deadlock; unknown skus are absent.
   */
  abstract lockBySkus(skus: readonly string[]): Promise<Map<string, Product>>;

  /** Locks `sku` for a create-or-replace, also when no product exists yet, and loads it. */
  abstract lockForUpsert(sku: string): Promise<Product | null>;

  abstract insert(product: Product): Promise<void>;

  /**
   * Stores the products that changed, each only if its stored version still equals
   * `persistedVersion`. @throws ConcurrentModificationError otherwise
   */
  abstract update(products: Iterable<Product>): Promise<void>;
}
