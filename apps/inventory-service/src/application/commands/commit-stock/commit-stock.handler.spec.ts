import { aProduct, FixedClock, InMemoryInventory, rejection } from '../../../../test/fakes/index.js';
import { ReservationNotCommittableError } from '../../../domain/inventory.errors.js';
import { Reservation } from '../../../domain/reservation.aggregate.js';
import { ReservationNotFoundError } from '../../application.errors.js';
import { CommitStockCommand } from './commit-stock.command.js';
import { CommitStockHandler } from './commit-stock.handler.js';

const T = new Date('2029-12-31T00:00:00.000Z');

function setup() {
  const inventory = new InMemoryInventory();
  const products = new Map([['P001', aProduct('P001', 10)]]);
  const place = (orderId: string, qty = 3) => Reservation.place({ orderId, items: [{ sku: 'P001', qty }], products, now: T });
  const released = place('released');
  released.release(products, 'cancel', T);
  const restocked = place('restocked');
  restocked.commit(products, T);
  restocked.restock(products, 'refund', T);
  for (const r of [place('reserved'), released, restocked, place('rejected', 100)]) inventory.seedReservation(r);
  inventory.seedProducts(...products.values());
  const handler = new CommitStockHandler(inventory.unitOfWork, inventory.reservations, inventory.products, inventory.messages, new FixedClock());
  const commit = (orderId: string, alwaysReply = false) => handler.execute(new CommitStockCommand(orderId, alwaysReply));
  return { inventory, commit };
}

describe('CommitStockHandler', () => {
  it('sells the held units: stock and reserved both drop', async () => {
    const { inventory, commit } = setup();
    expect(inventory.product('P001')).toMatchObject({ stock: 10, reserved: 3 });

    const view = await commit('reserved');

    expect(view).toMatchObject({ orderId: 'reserved', status: 'COMMITTED', items: [{ sku: 'P001', qty: 3 }] });
    expect(inventory.product('P001')).toMatchObject({ stock: 7, reserved: 0 });
    expect(inventory.sent).toEqual([{ type: 'reservationResult', kind: 'commit', reservation: view }]);
  });

  it('answers a repeat COMMITTED without selling twice', async () => {
    const { inventory, commit } = setup();
    const first = await commit('reserved');

    expect(await commit('reserved')).toEqual(first);
    expect(await commit('reserved', true)).toEqual(first);
    expect(inventory.product('P001')).toMatchObject({ stock: 7, reserved: 0 });
    expect(inventory.sent.map((m) => m.type === 'reservationResult' && m.reservation.status)).toEqual(['COMMITTED', 'COMMITTED']);
  });

  it('answers a late commit of a restocked reservation as it is', async () => {
    const { inventory, commit } = setup();
    const before = inventory.dump();

    expect(await commit('restocked')).toMatchObject({ status: 'RESTOCKED' });
    expect(inventory.dump()).toEqual(before);
  });

  it.each(['released', 'rejected'])('refuses to commit a %s reservation and changes nothing', async (orderId) => {
    const { inventory, commit } = setup();
    const before = inventory.dump();

    await rejection(commit(orderId, true), ReservationNotCommittableError);

    expect(inventory.dump()).toEqual(before);
  });

  it('reports an order without a reservation as not found', async () => {
    const { inventory, commit } = setup();
    const before = inventory.dump();

    await rejection(commit('nope', true), ReservationNotFoundError);

    expect(inventory.dump()).toEqual(before);
  });
});
