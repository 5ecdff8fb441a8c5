import { aProduct, FixedClock, InMemoryInventory } from '../../../../test/fakes/index.js';
import { Reservation } from '../../../domain/reservation.aggregate.js';
import { RestockStockCommand } from './restock-stock.command.js';
import { RestockStockHandler } from './restock-stock.handler.js';

const T = new Date('2029-12-31T00:00:00.000Z');

function setup() {
  const inventory = new InMemoryInventory();
  const products = new Map([['P001', aProduct('P001', 10)]]);
  const place = (orderId: string, qty: number) => Reservation.place({ orderId, items: [{ sku: 'P001', qty }], products, now: T });
  const committed = place('committed', 4);
  committed.commit(products, T);
  const released = place('released', 1);
  released.release(products, 'cancel', T);
  for (const r of [committed, place('reserved', 2), released]) inventory.seedReservation(r);
  inventory.seedProducts(...products.values());
  const handler = new RestockStockHandler(inventory.unitOfWork, inventory.reservations, inventory.products, inventory.messages, new FixedClock());
  const restock = (orderId: string, alwaysReply = false) => handler.execute(new RestockStockCommand(orderId, 'damaged', alwaysReply));
  return { inventory, restock };
}

describe('RestockStockHandler', () => {
  it('puts the units of a committed reservation back on hand', async () => {
    const { inventory, restock } = setup();
    expect(inventory.product('P001')).toMatchObject({ stock: 6, reserved: 2 });

    const view = await restock('committed');

    expect(view).toMatchObject({ orderId: 'committed', status: 'RESTOCKED' });
    expect(inventory.product('P001')).toMatchObject({ stock: 10, reserved: 2 });
    expect(inventory.reservation('committed')).toMatchObject({ statusReason: 'damaged' });
    expect(inventory.sent).toEqual([{ type: 'reservationResult', kind: 'restock', reservation: view }]);
  });

  it('answers a repeat RESTOCKED without restocking twice', async () => {
    const { inventory, restock } = setup();
    const first = await restock('committed');

    expect(await restock('committed')).toEqual(first);
    expect(await restock('committed', true)).toEqual(first);
    expect(inventory.product('P001')).toMatchObject({ stock: 10 });
    expect(inventory.sent).toHaveLength(2);
  });

  it('releases a reservation that was never committed', async () => {
    const { inventory, restock } = setup();

    expect(await restock('reserved')).toMatchObject({ status: 'RELEASED' });
    expect(inventory.product('P001')).toMatchObject({ stock: 6, reserved: 0 });
  });

  it('answers a released reservation, or none, as it is', async () => {
    const { inventory, restock } = setup();
    const before = inventory.dump();

    expect(await restock('released')).toMatchObject({ status: 'RELEASED' });
    expect(await restock('nope')).toMatchObject({ orderId: 'nope', status: 'UNSPECIFIED' });
    expect(inventory.dump()).toEqual(before);
  });
});
