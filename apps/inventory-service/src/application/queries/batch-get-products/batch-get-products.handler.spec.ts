import { aProduct, InMemoryInventory } from '../../../../test/fakes/index.js';
import { BatchGetProductsHandler } from './batch-get-products.handler.js';
import { BatchGetProductsQuery } from './batch-get-products.query.js';

describe('BatchGetProductsHandler', () => {
  it('returns the known products in request order, each once, leaving unknown skus out', async () => {
    const inventory = new InMemoryInventory();
    inventory.seedProducts(aProduct('P001', 1), aProduct('P002', 2), aProduct('P003', 3));

    const views = await new BatchGetProductsHandler(inventory.products).execute(new BatchGetProductsQuery(['P003', 'P404', 'P001', 'P003']));

    expect(views.map((v) => [v.sku, v.stock])).toEqual([
      ['P003', '3'],
      ['P001', '1'],
    ]);
  });
});
