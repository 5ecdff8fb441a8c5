import { Query } from '@nestjs/cqrs';
import type { ProductView } from '../../views/product.view.js';

export class GetProductQuery extends Query<ProductView> {
  constructor(readonly sku: string) {
    super();
  }
}
