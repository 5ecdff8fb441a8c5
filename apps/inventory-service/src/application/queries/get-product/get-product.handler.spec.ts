import { aProduct, InMemoryInventory, rejection } from '../../../../test/fakes/index.js';
import { ProductNotFoundError } from '../../application.errors.js';
import { GetProductHandler } from './get-product.handler.js';
import { GetProductQuery } from './get-product.query.js';

describe('GetProductHandler', () => {
  it('returns the product with stock and reserved units', async () => {
    const inventory = new InMemoryInventory();
    inventory.seedProducts(aProduct('P001', 1000, { name: 'Wireless Mouse' }));

    expect(await new GetProductHandler(inventory.products).execute(new GetProductQuery('P001'))).toEqual({
      sku: 'P001',
      name: 'Wireless Mouse',
      price: { currency: 'USD', amountMinor: '3350' },
      stock: '1000',
      reserved: '0',
    });
  });

  it('reports an unknown sku as not found', async () => {
    const error = await rejection(new GetProductHandler(new InMemoryInventory().products).execute(new GetProductQuery('P404')), ProductNotFoundError);

    expect(error.details).toEqual({ sku: 'P404' });
  });
});
