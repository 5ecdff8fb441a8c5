import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProductRepository } from '../../ports/product.repository.port.js';
import { toProductView, type ProductView } from '../../views/product.view.js';
import { BatchGetProductsQuery } from './batch-get-products.query.js';

/** The known products among the skus, in request order, each once; unknown skus are left out. */
@QueryHandler(BatchGetProductsQuery)
export class BatchGetProductsHandler implements IQueryHandler<BatchGetProductsQuery> {
  constructor(private readonly products: ProductRepository) {}

  async execute(query: BatchGetProductsQuery): Promise<ProductView[]> {
    const skus = [...new Set(query.skus)];
    const found = new Map((await this.products.findBySkus(skus)).map((p) => [p.sku, p]));
    return skus.flatMap((sku) => {
      const product = found.get(sku);
      return product ? [toProductView(product)] : [];
    });
  }
}
