import { aProduct, FixedClock, InMemoryInventory, rejection } from '../../../../test/fakes/index.js';
import { InvalidMoneyError, InvalidProductError, StockBelowReservedError } from '../../../domain/inventory.errors.js';
import { Reservation } from '../../../domain/reservation.aggregate.js';
import { UpsertProductCommand } from './upsert-product.command.js';
import { UpsertProductHandler } from './upsert-product.handler.js';

const usd = (amountMinor: bigint) => ({ currency: 'USD', amountMinor });

function setup() {
  const inventory = new InMemoryInventory();
  const handler = new UpsertProductHandler(inventory.unitOfWork, inventory.products, inventory.messages, new FixedClock());
  const upsert = (sku: string, name: string, priceMinor: bigint, stock: number) =>
    handler.execute(new UpsertProductCommand(sku, name, usd(priceMinor), stock));
  return { inventory, upsert };
}

describe('UpsertProductHandler', () => {
  it('creates a product and announces it', async () => {
    const { inventory, upsert } = setup();

    const view = await upsert('P100', 'Desk Lamp', 2500n, 7);

    const expected = { sku: 'P100', name: 'Desk Lamp', price: { currency: 'USD', amountMinor: '2500' }, stock: '7', reserved: '0' };
    expect(view).toEqual(expected);
    expect(inventory.product('P100')).toMatchObject({ stock: 7, reserved: 0, version: 1 });
    expect(inventory.sent).toEqual([{ type: 'productChanged', product: expected }]);
  });

  it('replaces name, price and stock, keeping the reserved units', async () => {
    const { inventory, upsert } = setup();
    const products = new Map([['P100', aProduct('P100', 10)]]);
    inventory.seedReservation(Reservation.place({ orderId: 'o1', items: [{ sku: 'P100', qty: 4 }], products, now: new Date() }));
    inventory.seedProducts(...products.values());

    const view = await upsert('P100', 'Desk Lamp v2', 2600n, 5);

    expect(view).toEqual({ sku: 'P100', name: 'Desk Lamp v2', price: { currency: 'USD', amountMinor: '2600' }, stock: '5', reserved: '4' });
    expect(inventory.sent).toEqual([{ type: 'productChanged', product: view }]);
  });

  it('announces nothing when nothing changes', async () => {
    const { inventory, upsert } = setup();
    await upsert('P100', 'Desk Lamp', 2500n, 7);

    await upsert('P100', 'Desk Lamp', 2500n, 7);

    expect(inventory.sent).toHaveLength(1);
    expect(inventory.product('P100')).toMatchObject({ version: 1 });
  });

  it('refuses a stock below the reserved units and changes nothing', async () => {
    const { inventory, upsert } = setup();
    const products = new Map([['P100', aProduct('P100', 10)]]);
    inventory.seedReservation(Reservation.place({ orderId: 'o1', items: [{ sku: 'P100', qty: 4 }], products, now: new Date() }));
    inventory.seedProducts(...products.values());
    const before = inventory.dump();

    await rejection(upsert('P100', 'Desk Lamp', 2500n, 3), StockBelowReservedError);

    expect(inventory.dump()).toEqual(before);
  });

  it('refuses an invalid product or price', async () => {
    const { inventory, upsert } = setup();

    await rejection(upsert('bad sku', '', 1n, -1), InvalidProductError);
    await rejection(upsert('P1', 'ok', -1n, 1), InvalidMoneyError);

    expect(inventory.dump().products.size).toBe(0);
  });
});
