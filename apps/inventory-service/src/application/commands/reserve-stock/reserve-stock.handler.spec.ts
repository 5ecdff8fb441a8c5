import { aProduct, FixedClock, InMemoryInventory, rejection } from '../../../../test/fakes/index.js';
import { InvalidReservationError, ReservationConflictError } from '../../../domain/inventory.errors.js';
import { ReserveStockCommand } from './reserve-stock.command.js';
import { ReserveStockHandler } from './reserve-stock.handler.js';

const items = [
  { sku: 'P001', qty: 2 },
  { sku: 'P002', qty: 1 },
];

function setup(stock: { P001: number; P002: number } = { P001: 10, P002: 10 }) {
  const inventory = new InMemoryInventory();
  inventory.seedProducts(aProduct('P001', stock.P001), aProduct('P002', stock.P002));
  const handler = new ReserveStockHandler(inventory.unitOfWork, inventory.reservations, inventory.products, inventory.messages, new FixedClock());
  const reserve = (orderId: string, what = items, alwaysReply = false) => handler.execute(new ReserveStockCommand(orderId, what, alwaysReply));
  return { inventory, reserve };
}

describe('ReserveStockHandler', () => {
  it('reserves every item, holds the units and replies RESERVED', async () => {
    const { inventory, reserve } = setup();

    const view = await reserve('o1');

    const expected = { orderId: 'o1', status: 'RESERVED', items, failureReason: '', unavailableSkus: [] };
    expect(view).toEqual(expected);
    expect(inventory.product('P001')).toMatchObject({ stock: 10, reserved: 2 });
    expect(inventory.product('P002')).toMatchObject({ stock: 10, reserved: 1 });
    expect(inventory.reservation('o1')).toMatchObject({ status: 'RESERVED', version: 1 });
    expect(inventory.sent).toEqual([{ type: 'reservationResult', kind: 'reserve', reservation: expected }]);
  });

  it('rejects the whole order when one item is short, holding nothing, and replies REJECTED', async () => {
    const { inventory, reserve } = setup({ P001: 10, P002: 0 });

    const view = await reserve('o1');

    expect(view).toMatchObject({ status: 'REJECTED', failureReason: 'INSUFFICIENT_STOCK', unavailableSkus: ['P002'] });
    expect(inventory.product('P001')).toMatchObject({ reserved: 0 });
    expect(inventory.reservation('o1')).toMatchObject({ status: 'REJECTED' });
    expect(inventory.sent).toEqual([{ type: 'reservationResult', kind: 'reserve', reservation: view }]);
  });

  it('rejects an unknown sku, naming it', async () => {
    const { reserve } = setup();

    const view = await reserve('o1', [{ sku: 'P404', qty: 1 }, ...items]);

    expect(view).toMatchObject({ status: 'REJECTED', failureReason: 'INSUFFICIENT_STOCK', unavailableSkus: ['P404'] });
  });

  it('answers a repeat with the same items (any order) unchanged, replying only to messages', async () => {
    const { inventory, reserve } = setup();
    const first = await reserve('o1');
    const before = inventory.dump();

    expect(await reserve('o1', [...items].reverse())).toEqual(first);
    expect(inventory.dump()).toEqual(before);

    expect(await reserve('o1', items, true)).toEqual(first);
    expect(inventory.sent).toEqual([...before.messages, { type: 'reservationResult', kind: 'reserve', reservation: first }]);
    expect(inventory.product('P001')).toMatchObject({ reserved: 2 });
  });

  it('answers a repeat of a rejected order REJECTED again, even once stock has arrived', async () => {
    const { inventory, reserve } = setup({ P001: 0, P002: 10 });
    const first = await reserve('o1');
    inventory.seedProducts(aProduct('P001', 100));

    expect(await reserve('o1')).toEqual(first);
    expect(inventory.product('P001')).toMatchObject({ reserved: 0 });
  });

  it('refuses a repeat with other items as a conflict and changes nothing', async () => {
    const { inventory, reserve } = setup();
    await reserve('o1');
    const before = inventory.dump();

    await rejection(reserve('o1', [{ sku: 'P001', qty: 3 }]), ReservationConflictError);
    await rejection(reserve('o1', [{ sku: 'P001', qty: 3 }], true), ReservationConflictError);

    expect(inventory.dump()).toEqual(before);
  });

  it('refuses an invalid request before looking anything up', async () => {
    const { inventory, reserve } = setup();
    const before = inventory.dump();

    const error = await rejection(reserve('o1', [{ sku: 'P001', qty: 0 }, { sku: 'P001', qty: 1 }]), InvalidReservationError);

    expect(error.violations.map((v) => v.field)).toEqual(['items[0].qty', 'items[1].sku']);
    expect(inventory.dump()).toEqual(before);
  });

  it('gives racing orders the last unit exactly once', async () => {
    const { inventory, reserve } = setup({ P001: 3, P002: 0 });

    const views = await Promise.all(Array.from({ length: 8 }, (_, i) => reserve(`o${i}`, [{ sku: 'P001', qty: 1 }])));

    expect(views.filter((v) => v.status === 'RESERVED')).toHaveLength(3);
    expect(views.filter((v) => v.status === 'REJECTED')).toHaveLength(5);
    expect(inventory.product('P001')).toMatchObject({ stock: 3, reserved: 3 });
  });
});
