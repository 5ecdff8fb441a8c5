import { ApiError } from '#libs/errors';
import { isPermanentMessageError } from '#libs/messaging';
import { ConcurrentModificationError, ReservationNotFoundError } from '../../../application/application.errors.js';
import { ReservationConflictError } from '../../../domain/inventory.errors.js';
import type { InventoryApi, RequestOrigin } from '../inventory.api.js';
import { InventoryCommandsAmqpConsumer } from './inventory-commands.amqp-consumer.js';

type Method = 'reserve' | 'release' | 'commit' | 'restock';

/** An InventoryApi that records calls and fails with `failure` when given one. */
function consumerFailingWith(failure?: unknown) {
  const calls: { method: Method; payload: unknown; origin: RequestOrigin | undefined }[] = [];
  const api = Object.fromEntries(
    (['reserve', 'release', 'commit', 'restock'] as const).map((method) => [
      method,
      async (payload: unknown, origin?: RequestOrigin) => {
        calls.push({ method, payload, origin });
        if (failure !== undefined) throw failure;
        return {};
      },
    ]),
  ) as unknown as InventoryApi;
  return { consumer: new InventoryCommandsAmqpConsumer(api), calls };
}

describe('InventoryCommandsAmqpConsumer', () => {
  it.each(['reserve', 'release', 'commit', 'restock'] as const)('runs inventory.%s as a message, so it is always replied to', async (method) => {
    const { consumer, calls } = consumerFailingWith();

    await consumer[method]({ orderId: 'o1' });

    expect(calls).toEqual([{ method, payload: { orderId: 'o1' }, origin: 'message' }]);
  });

  it.each([
    ['an invalid payload', ApiError.invalidArgument([{ field: 'items', description: 'must be a list' }])],
    ['a conflicting repeat', new ReservationConflictError('o1')],
    ['nothing to commit', new ReservationNotFoundError('o1')],
  ])('dead-letters %s at once', async (_, failure) => {
    const { consumer } = consumerFailingWith(failure);

    const error = await consumer.reserve({}).catch((e: unknown) => e);

    expect(isPermanentMessageError(error)).toBe(true);
    expect((error as Error).message).toBe((failure as Error).message);
  });

  it.each([
    ['a lost race', new ConcurrentModificationError('reservation o1')],
    ['a database outage', Object.assign(new Error('Connection terminated'), { code: 'ECONNRESET' })],
  ])('leaves %s to be retried', async (_, failure) => {
    const { consumer } = consumerFailingWith(failure);

    const error = await consumer.commit({}).catch((e: unknown) => e);

    expect(error).toBe(failure);
    expect(isPermanentMessageError(error)).toBe(false);
  });
});
