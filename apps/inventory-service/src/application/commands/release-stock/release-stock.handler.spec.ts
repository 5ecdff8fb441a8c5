import { aProduct, FixedClock, InMemoryInventory } from '../../../../test/fakes/index.js';
import { Reservation } from '../../../domain/reservation.aggregate.js';
import { ReleaseStockCommand } from './release-stock.command.js';
import { ReleaseStockHandler } from './release-stock.handler.js';

const T = new Date('2029-12-31T00:00:00.000Z');

function setup() {
  const inventory = new InMemoryInventory();
  const products = new Map([
    ['P001', aProduct('P001', 10)],
    ['P002', aProduct('P002', 10)],
  ]);
  const place = (orderId: string, qty = 2) =>
    Reservation.place({ orderId, items: [{ sku: 'P001', qty }, { sku: 'P002', qty: 1 }], products, now: T });
  const reserved = place('reserved');
  const committed = place('committed');
  committed.commit(products, T);
  const rejected = place('rejected', 100);
  for (const r of [reserved, committed, rejected]) inventory.seedReservation(r);
  inventory.seedProducts(...products.values());
  const handler = new ReleaseStockHandler(inventory.unitOfWork, inventory.reservations, inventory.products, inventory.messages, new FixedClock());
  const release = (orderId: string, alwaysReply = false) => handler.execute(new ReleaseStockCommand(orderId, 'PAYMENT_TIMEOUT', alwaysReply));
  return { inventory, release };
}

describe('ReleaseStockHandler', () => {
  it('releases a RESERVED reservation: the units are available again', async () => {
    const { inventory, release } = setup();
    expect(inventory.product('P001')).toMatchObject({ stock: 8, reserved: 2 });

    const view = await release('reserved');

    expect(view).toMatchObject({ orderId: 'reserved', status: 'RELEASED' });
    expect(inventory.product('P001')).toMatchObject({ stock: 8, reserved: 0 });
    expect(inventory.reservation('reserved')).toMatchObject({ status: 'RELEASED', statusReason: 'PAYMENT_TIMEOUT', version: 2 });
    expect(inventory.sent).toEqual([{ type: 'reservationResult', kind: 'release', reservation: view }]);
  });

  it('answers a repeat unchanged, replying again only to a message', async () => {
    const { inventory, release } = setup();
    const first = await release('reserved');
    const before = inventory.dump();

    expect(await release('reserved')).toEqual(first);
    expect(inventory.dump()).toEqual(before);

    expect(await release('reserved', true)).toEqual(first);
    expect(inventory.sent).toHaveLength(2);
    expect(inventory.product('P001')).toMatchObject({ reserved: 0 });
  });

  it.each([
    ['committed', 'COMMITTED'],
    ['rejected', 'REJECTED'],
  ])('answers a %s reservation as it is and moves nothing', async (orderId, status) => {
    const { inventory, release } = setup();
    const before = inventory.dump();

    expect(await release(orderId)).toMatchObject({ orderId, status });
    expect(inventory.dump()).toEqual(before);
  });

  it('answers an order without a reservation UNSPECIFIED, writing nothing but the reply to a message', async () => {
    const { inventory, release } = setup();
    const before = inventory.dump();
    const none = { orderId: 'nope', status: 'UNSPECIFIED', items: [], failureReason: '', unavailableSkus: [] };

    expect(await release('nope')).toEqual(none);
    expect(inventory.dump()).toEqual(before);
    expect(await release('nope', true)).toEqual(none);
    expect(inventory.sent).toEqual([{ type: 'reservationResult', kind: 'release', reservation: none }]);
    expect(inventory.reservation('nope')).toBeUndefined();
  });
});
