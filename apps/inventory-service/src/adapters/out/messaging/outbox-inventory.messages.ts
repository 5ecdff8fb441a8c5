import { Injectable } from '@nestjs/common';
import { inventoryV1 } from '#libs/contracts';
import { OutboxWriter } from '#libs/messaging';
import { InventoryMessages, type ReservationCommandKind } from '../../../application/ports/inventory-messages.port.js';
import type { ProductView } from '../../../application/views/product.view.js';
import type { ReservationView } from '../../../application/views/reservation.view.js';
import { InventoryTopology } from './inventory-topology.js';

/** Routing key of a catalog change; order-service's catalog replica listens to it. */
export const PRODUCT_CHANGED = 'catalog.product_changed';

/** `inventory.reserve` -> `inventory.reserve.result`, and so on. */
export const replyRoutingKey = (kind: ReservationCommandKind): string => `inventory.${kind}.result`;

/**
 * The messages port on the transactional outbox: rows written in the unit of work's transaction,
 * published by the relay after commit. Bodies are proto3 JSON of `oms.v1` messages.
 */
@Injectable()
export class OutboxInventoryMessages extends InventoryMessages {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly topology: InventoryTopology,
  ) {
    super();
  }

  async reservationResult(kind: ReservationCommandKind, reservation: ReservationView): Promise<void> {
    await this.outbox.append([
      {
        exchange: this.topology.repliesExchange,
        routingKey: replyRoutingKey(kind),
        payload: inventoryV1.Reservation.toJSON(toReservation(reservation)),
        aggregateId: reservation.orderId,
      },
    ]);
  }

  async productChanged(product: ProductView): Promise<void> {
    await this.outbox.append([
      {
        exchange: this.topology.eventsExchange,
        routingKey: PRODUCT_CHANGED,
        payload: inventoryV1.Product.toJSON({ ...product, price: { ...product.price } }),
        aggregateId: product.sku,
      },
    ]);
  }
}

function toReservation(view: ReservationView): inventoryV1.Reservation {
  return {
    orderId: view.orderId,
    status: inventoryV1.ReservationStatus[`RESERVATION_STATUS_${view.status}`],
    items: view.items.map((i) => ({ sku: i.sku, qty: i.qty })),
    failureReason: view.failureReason,
    unavailableSkus: [...view.unavailableSkus],
  };
}
