import { Payment } from '../../../domain/payment.aggregate.js';
import { PAYMENT_OPERATIONS, PAYMENT_STATUSES, type PaymentOperation, type PaymentStatus } from '../../../domain/payment-status.js';
import { PaymentOrmEntity } from './payment.orm-entity.js';

/** The row for a payment's current state. */
export function toOrmEntity(payment: Payment): PaymentOrmEntity {
  const s = payment.toSnapshot();
  const row = new PaymentOrmEntity();
  row.id = s.id;
  row.orderId = s.orderId;
  row.customerId = s.customerId;
  row.status = s.status;
  row.pendingOperation = s.pendingOperation;
  row.currency = s.amount.currency;
  row.amountMinor = s.amount.amountMinor.toString();
  row.capturedMinor = s.capturedMinor.toString();
  row.refundedMinor = s.refundedMinor.toString();
  row.method = s.method;
  row.provider = s.provider;
  row.cardBrand = s.cardBrand;
  row.cardLast4 = s.cardLast4;
  row.gatewayToken = s.gatewayToken;
  row.transactionId = s.transactionId;
  row.failureReason = s.failureReason;
  row.statusReason = s.statusReason;
  row.version = s.version;
  row.createTime = s.createTime;
  row.updateTime = s.updateTime;
  return row;
}

/** Rehydrates the payment a row holds; its `persistedVersion` is the row's version. */
export function toDomain(row: PaymentOrmEntity): Payment {
  return Payment.restore({
    id: row.id,
    orderId: row.orderId,
    customerId: row.customerId,
    status: oneOf(PAYMENT_STATUSES, row.status, 'status', row.id) as PaymentStatus,
    pendingOperation: row.pendingOperation === null ? null : (oneOf(PAYMENT_OPERATIONS, row.pendingOperation, 'pending_operation', row.id) as PaymentOperation),
    amount: { currency: row.currency, amountMinor: BigInt(row.amountMinor) },
    capturedMinor: BigInt(row.capturedMinor),
    refundedMinor: BigInt(row.refundedMinor),
    method: row.method,
    provider: row.provider,
    cardBrand: row.cardBrand,
    cardLast4: row.cardLast4,
    gatewayToken: row.gatewayToken,
    transactionId: row.transactionId,
    failureReason: row.failureReason,
    statusReason: row.statusReason,
    version: row.version,
    createTime: row.createTime,
    updateTime: row.updateTime,
  });
}

/** A value outside the domain's set means a corrupt row: fail loudly rather than rehydrate it. */
function oneOf(allowed: readonly string[], value: string, column: string, paymentId: string): string {
  if (!allowed.includes(value)) throw new Error(`payment ${paymentId}: unknown ${column} ${JSON.stringify(value)} in the database`);
  return value;
}
