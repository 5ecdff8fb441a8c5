import type { PaymentStatusName } from './commands/notify-payment-status-change/notify-payment-status-change.command.js';
import type { OrderStatusName } from './ports/tracked-orders.port.js';

/**
 * Which public events notification-service has work for. The consumer acknowledges the others
 * without a transaction (about half of an order's events), so they must be events whose handling
 * would change nothing:
 * - an order's PENDING event without a contact e-mail: it would only record the order's customer,
 *   and every later event of the order (RESERVED, CANCELED, ...) carries the customer too (the
 *   contact e-mail, in contrast, travels on the first event only, so a PENDING event with one is
 *   handled);
 * - a payment event other than CAPTURED calls for no message and records nothing.
 * CONFIRMED is kept although PAID, which always precedes it, already dropped the reminder: it
 * also moves the tracked status on should the PAID delivery be late, and the reminder sender
 * checks that status.
 */
export function orderEventCallsForWork(status: OrderStatusName, contactEmail: string): boolean {
  return status !== 'PENDING' || contactEmail !== '';
}

/** See {@link orderEventCallsForWork}. */
export function paymentEventCallsForWork(status: PaymentStatusName): boolean {
  return status === 'CAPTURED';
}
