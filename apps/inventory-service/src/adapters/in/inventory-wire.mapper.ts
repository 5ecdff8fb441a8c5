import { inventoryV1 } from '#libs/contracts';
import type { ProductView } from '../../application/views/product.view.js';
import type { ReservationView } from '../../application/views/reservation.view.js';

/** The application's view of a reservation as the `oms.v1.Reservation` message. */
export function toProtoReservation(view: ReservationView): inventoryV1.Reservation {
  return {
    orderId: view.orderId,
    status: inventoryV1.ReservationStatus[`RESERVATION_STATUS_${view.status}`],
    items: view.items.map((i) => ({ sku: i.sku, qty: i.qty })),
    failureReason: view.failureReason,
    unavailableSkus: [...view.unavailableSkus],
  };
}

/** The application's view of a product as the `oms.v1.Product` message. */
export function toProtoProduct(view: ProductView): inventoryV1.Product {
  return {
    sku: view.sku,
    name: view.name,
    price: { currency: view.price.currency, amountMinor: view.price.amountMinor },
    stock: view.stock,
    reserved: view.reserved,
  };
}
