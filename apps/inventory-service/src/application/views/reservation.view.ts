import type { Reservation } from '../../domain/reservation.aggregate.js';
import type { ReservationStatus } from '../../domain/reservation-status.js';

/** A reservation as the use cases answer it (plain JSON, see {@link ProductView}). */
export interface ReservationView {
  readonly orderId: string;
  /** UNSPECIFIED: the order never had a reservation. */
  readonly status: ReservationStatus | 'UNSPECIFIED';
  readonly items: readonly { readonly sku: string; readonly qty: number }[];
  readonly failureReason: string;
  readonly unavailableSkus: readonly string[];
}

export function toReservationView(reservation: Reservation): ReservationView {
  return {
    orderId: reservation.orderId,
    status: reservation.status,
    items: reservation.items.map((i) => ({ sku: i.sku, qty: i.qty })),
    failureReason: reservation.failureReason,
    unavailableSkus: [...reservation.unavailableSkus],
  };
}

/** The answer about an order that never had a reservation. */
export function noReservation(orderId: string): ReservationView {
  return { orderId, status: 'UNSPECIFIED', items: [], failureReason: '', unavailableSkus: [] };
}
