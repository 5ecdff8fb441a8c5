import { Order } from '../../../domain/order.aggregate.js';
import type { OrderSnapshot, PaymentSnapshot } from '../../../domain/order.snapshot.js';
import { ORDER_STATUSES, PAYMENT_STATUSES, type OrderStatus, type PaymentStatus } from '../../../domain/order-status.js';
import { OrderOrmEntity, type PaymentRow } from './order.orm-entity.js';

/** The row for an order's current state. */
export function toOrmEntity(order: Order): OrderOrmEntity {
  const s = order.toSnapshot();
  const row = new OrderOrmEntity();
  row.id = s.id;
  row.customerId = s.customerId;
  row.status = s.status;
  row.statusReason = s.statusReason;
  row.currency = s.amount.currency;
  row.amountMinor = s.amount.amountMinor.toString();
  row.items = s.items.map((i) => ({ sku: i.sku, qty: i.qty, unitPriceMinor: i.unitPriceMinor.toString() }));
  row.payment = s.payment === null ? null : { ...s.payment };
  row.version = s.version;
  row.statusSeq = s.statusSeq;
  row.paymentSeq = s.paymentSeq;
  row.createTime = s.createTime;
  row.updateTime = s.updateTime;
  return row;
}

/** Rehydrates the order a row holds; its `persistedVersion` is the row's version. */
export function toDomain(row: OrderOrmEntity): Order {
  const snapshot: OrderSnapshot = {
    id: row.id,
    customerId: row.customerId,
    status: oneOf(ORDER_STATUSES, row.status, 'status', row.id) as OrderStatus,
    statusReason: row.statusReason,
    amount: { currency: row.currency, amountMinor: BigInt(row.amountMinor) },
    items: row.items.map((i) => ({ sku: i.sku, qty: i.qty, unitPriceMinor: BigInt(i.unitPriceMinor) })),
    version: row.version,
    statusSeq: row.statusSeq,
    paymentSeq: row.paymentSeq,
    createTime: row.createTime,
    updateTime: row.updateTime,
    payment: row.payment === null ? null : toPaymentSnapshot(row.payment, row.id),
  };
  return Order.restore(snapshot);
}

function toPaymentSnapshot(row: PaymentRow, orderId: string): PaymentSnapshot {
  return {
    id: row.id,
    status: oneOf(PAYMENT_STATUSES, row.status, 'payment.status', orderId) as PaymentStatus,
    provider: row.provider,
    method: row.method,
    cardBrand: row.cardBrand,
    cardLast4: row.cardLast4,
    transactionId: row.transactionId,
    failureReason: row.failureReason,
  };
}

/** A value outside the domain's set means a corrupt row: fail loudly rather than rehydrate it. */
function oneOf(allowed: readonly string[], value: string, column: string, orderId: string): string {
  if (!allowed.includes(value)) throw new Error(`order ${orderId}: unknown ${column} ${JSON.stringify(value)} in the database`);
  return value;
}
