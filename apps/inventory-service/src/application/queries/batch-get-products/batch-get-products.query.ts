import { Query } from '@nestjs/cqrs';
import type { ProductView } from '../../views/product.view.js';

export class BatchGetProductsQuery extends Query<ProductView[]> {
  constructor(readonly skus: readonly string[]) {
    super();
  }
}
