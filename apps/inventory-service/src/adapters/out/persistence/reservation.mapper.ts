import { Reservation } from '../../../domain/reservation.aggregate.js';
import { RESERVATION_STATUSES, type ReservationStatus } from '../../../domain/reservation-status.js';
import { ReservationOrmEntity } from './reservation.orm-entity.js';

/** The row for a reservation's current state. */
export function toReservationRow(reservation: Reservation): ReservationOrmEntity {
  const s = reservation.toSnapshot();
  const row = new ReservationOrmEntity();
  row.orderId = s.orderId;
  row.status = s.status;
  row.items = s.items.map((i) => ({ sku: i.sku, qty: i.qty }));
  row.failureReason = s.failureReason;
  row.unavailableSkus = [...s.unavailableSkus];
  row.statusReason = s.statusReason;
  row.version = s.version;
  row.createTime = s.createTime;
  row.updateTime = s.updateTime;
  return row;
}

/** Rehydrates the reservation a row holds; its `persistedVersion` is the row's version. */
export function toReservation(row: ReservationOrmEntity): Reservation {
  if (!(RESERVATION_STATUSES as readonly string[]).includes(row.status)) {
    throw new Error(`reservation ${row.orderId}: unknown status ${JSON.stringify(row.status)} in the database`);
  }
  return Reservation.restore({
    orderId: row.orderId,
    status: row.status as ReservationStatus,
    items: row.items.map((i) => ({ sku: i.sku, qty: i.qty })),
    failureReason: row.failureReason,
    unavailableSkus: row.unavailableSkus,
    statusReason: row.statusReason,
    version: row.version,
    createTime: row.createTime,
    updateTime: row.updateTime,
  });
}
