import { admin, anOrder, customer, InMemoryOrderRepository, rejection } from '../../../../test/fakes/index.js';
import { OrderNotFoundError } from '../../application.errors.js';
import { GetOrderHandler } from './get-order.handler.js';
import { GetOrderQuery } from './get-order.query.js';

function setup() {
  const orders = new InMemoryOrderRepository();
  orders.seed(anOrder({ id: 'mine', customerId: 'c1', state: 'PAID' }), anOrder({ id: 'theirs', customerId: 'c2' }));
  return new GetOrderHandler(orders);
}

describe('GetOrderHandler', () => {
  it('returns the caller’s own order with its payment', async () => {
    const handler = setup();

    const view = await handler.execute(new GetOrderQuery(customer('c1'), 'mine'));

    expect(view).toMatchObject({
      id: 'mine',
      customerId: 'c1',
      status: 'PAID',
      amount: { currency: 'USD', amountMinor: '10050' },
      version: 5,
      payment: { status: 'CAPTURED', cardBrand: 'visa', cardLast4: '4242', transactionId: 'mine-tx' },
    });
  });

  it('answers another customer’s order exactly like a missing one', async () => {
    const handler = setup();

    const foreign = await rejection(handler.execute(new GetOrderQuery(customer('c1'), 'theirs')), OrderNotFoundError);
    const missing = await rejection(handler.execute(new GetOrderQuery(customer('c1'), 'nope')), OrderNotFoundError);

    expect(foreign.message).toBe(new OrderNotFoundError('theirs').message);
    expect(foreign.details).toEqual({ orderId: 'theirs' });
    expect(missing.details).toEqual({ orderId: 'nope' });
  });

  it('lets an admin read any customer’s order', async () => {
    const handler = setup();

    const view = await handler.execute(new GetOrderQuery(admin(), 'theirs'));

    expect(view).toMatchObject({ id: 'theirs', customerId: 'c2', status: 'PENDING' });
  });

  it('reports an unknown id as not found to an admin too', async () => {
    const handler = setup();

    await rejection(handler.execute(new GetOrderQuery(admin(), 'nope')), OrderNotFoundError);
  });
});
