/** Every status a reservation can be in (inventory.proto's ReservationStatus without UNSPECIFIED). */
export const RESERVATION_STATUSES = ['RESERVED', 'REJECTED', 'RELEASED', 'COMMITTED', 'RESTOCKED'] as const;

/** Status of one order's reservation. */
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** Failure reason of a REJECTED reservation: short or unknown skus alike. */
export const INSUFFICIENT_STOCK = 'INSUFFICIENT_STOCK';
