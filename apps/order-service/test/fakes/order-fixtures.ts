import type { Actor } from '../../src/application/actor.js';
import { Money } from '../../src/domain/money.js';
import { Order } from '../../src/domain/order.aggregate.js';
import { DEFAULT_NOW } from './fixed-clock.js';

export const customer = (subject: string): Actor => ({ subject, isAdmin: false });
export const admin = (subject = 'admin-1'): Actor => ({ subject, isAdmin: true });

/** Where {@link anOrder} leaves an order; the PAYMENT_* states are RESERVED with that payment status. */
export type OrderFixtureState =
  | 'PENDING'
  | 'RESERVED'
  | 'PAYMENT_PROCESSING'
  | 'PAYMENT_HELD'
  | 'PAYMENT_FAILED'
  | 'PAID'
  | 'CONFIRMED'
  | 'CANCELED'
  | 'REFUNDED';

export interface OrderFixture {
  readonly id?: string;
  readonly customerId?: string;
  readonly state?: OrderFixtureState;
  readonly createTime?: Date;
}

const PATHS: Record<OrderFixtureState, readonly string[]> = {
  PENDING: [],
  RESERVED: ['reserve'],
  PAYMENT_PROCESSING: ['reserve', 'pay'],
  PAYMENT_HELD: ['reserve', 'pay', 'hold'],
  PAYMENT_FAILED: ['reserve', 'pay', 'decline'],
  PAID: ['reserve', 'pay', 'hold', 'capture'],
  CONFIRMED: ['reserve', 'pay', 'hold', 'capture', 'confirm'],
  CANCELED: ['cancel'],
  REFUNDED: ['reserve', 'pay', 'hold', 'capture', 'refund'],
};

/**
 * An order of P001 x2 and P002 x1 (100.50 USD) driven to `state` through the aggregate's own
 * behaviour, one second per step after `createTime`, so it is always a reachable state.
 * Its events are still recorded: seed it into a repository to discard them.
 */
export function anOrder(fixture: OrderFixture = {}): Order {
  const { id = 'order-1', customerId = 'c1', state = 'PENDING', createTime = DEFAULT_NOW } = fixture;
  const usd = (minor: bigint) => Money.of(minor, 'USD');
  const order = Order.create({
    id,
    customerId,
    items: [
      { sku: 'P001', qty: 2, unitPrice: usd(3350n) },
      { sku: 'P002', qty: 1, unitPrice: usd(3350n) },
    ],
    now: createTime,
  });
  const at = (step: number) => new Date(createTime.getTime() + step * 1000);
  PATHS[state].forEach((step, i) => {
    const now = at(i + 1);
    switch (step) {
      case 'reserve':
        return order.markReserved(now);
      case 'pay':
        return order.startPayment({
          paymentId: `${id}-payment-1`,
          provider: 'simulated',
          method: 'credit_card',
          cardBrand: 'visa',
          cardLast4: '4242',
          now,
        });
      case 'hold':
        return order.markPaymentHeld(now);
      case 'decline':
        return order.markPaymentFailed('PAYMENT_DECLINED', now);
      case 'capture':
        return order.markPaid(`${id}-tx`, now);
      case 'confirm':
        return order.markConfirmed(now);
      case 'cancel':
        return order.cancel('FIXTURE', now);
      case 'refund':
        return order.refund('FIXTURE', now);
    }
  });
  return order;
}
