import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProductNotFoundError } from '../../application.errors.js';
import { ProductRepository } from '../../ports/product.repository.port.js';
import { toProductView, type ProductView } from '../../views/product.view.js';
import { GetProductQuery } from './get-product.query.js';

/** One product with its stock and reserved units. @throws ProductNotFoundError for an unknown sku */
@QueryHandler(GetProductQuery)
export class GetProductHandler implements IQueryHandler<GetProductQuery> {
  constructor(private readonly products: ProductRepository) {}

  async execute(query: GetProductQuery): Promise<ProductView> {
    const [product] = await this.products.findBySkus([query.sku]);
    if (!product) throw new ProductNotFoundError(query.sku);
    return toProductView(product);
  }
}
