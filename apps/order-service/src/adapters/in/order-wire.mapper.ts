import { commonV1, orderV1, timestampFromDate } from '#libs/contracts';
import type { OrderStatus } from '../../domain/order-status.js';
import type { MoneyView, OrderView, PaymentView } from '../../application/views/order.view.js';

const PREFIX = 'ORDER_STATUS_';

export function toProtoOrderStatus(status: OrderStatus): commonV1.OrderStatus {
  return `${PREFIX}${status}` as commonV1.OrderStatus;
}

/** The domain status of a filter value; undefined for UNSPECIFIED (any status). */
export function fromProtoOrderStatus(status: string | undefined): OrderStatus | undefined {
  if (!status || status === commonV1.OrderStatus.ORDER_STATUS_UNSPECIFIED) return undefined;
  return status.slice(PREFIX.length) as OrderStatus;
}

function toMoney(m: MoneyView): commonV1.Money {
  return { currency: m.currency, amountMinor: m.amountMinor };
}

export function toProtoPayment(p: PaymentView): orderV1.Payment {
  return {
    id: p.id,
    status: `PAYMENT_STATUS_${p.status}` as commonV1.PaymentStatus,
    method: p.method,
    cardLast4: p.cardLast4,
    transactionId: p.transactionId,
    failureReason: p.failureReason,
  };
}

/** The application's view of an order as the `oms.v1.Order` message. */
export function toProtoOrder(view: OrderView): orderV1.Order {
  return {
    id: view.id,
    customerId: view.customerId,
    status: toProtoOrderStatus(view.status),
    amount: toMoney(view.amount),
    items: view.items.map((i) => ({ sku: i.sku, qty: i.qty, price: toMoney(i.price) })),
    version: String(view.version),
    statusReason: view.statusReason,
    createTime: timestampFromDate(new Date(view.createTime)),
    updateTime: timestampFromDate(new Date(view.updateTime)),
    payment: view.payment ? toProtoPayment(view.payment) : null,
  };
}
