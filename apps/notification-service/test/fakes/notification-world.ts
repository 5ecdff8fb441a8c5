import { NotifyOrderStatusChangeCommand } from '../../src/application/commands/notify-order-status-change/notify-order-status-change.command.js';
import { NotifyOrderStatusChangeHandler } from '../../src/application/commands/notify-order-status-change/notify-order-status-change.handler.js';
import { NotifyPaymentStatusChangeCommand, type PaymentStatusName } from '../../src/application/commands/notify-payment-status-change/notify-payment-status-change.command.js';
import { NotifyPaymentStatusChangeHandler } from '../../src/application/commands/notify-payment-status-change/notify-payment-status-change.handler.js';
import { SendNotificationHandler } from '../../src/application/commands/send-notification/send-notification.handler.js';
import { NotificationDispatcher } from '../../src/application/dispatch/notification-dispatcher.js';
import { NotificationSettings } from '../../src/application/notification-settings.js';
import { OrderNotifier } from '../../src/application/order-notifier.js';
import type { OrderStatusName } from '../../src/application/ports/tracked-orders.port.js';
import { RetryPolicy } from '../../src/domain/retry-policy.js';
import { FixedClock } from './fixed-clock.js';
import {
  CountingNudge,
  ImmediateUnitOfWork,
  InMemoryContacts,
  InMemoryNotificationRepository,
  InMemoryProcessedEvents,
  InMemoryTrackedOrders,
  RecordingSender,
  SequentialIds,
} from './in-memory-notifications.js';

/** notification-service's application over in-memory adapters: 900 s timeout, 300 s lead, 3 attempts. */
export class NotificationWorld {
  readonly clock = new FixedClock();
  readonly notifications = new InMemoryNotificationRepository();
  readonly contacts = new InMemoryContacts();
  readonly orders = new InMemoryTrackedOrders();
  readonly processed = new InMemoryProcessedEvents();
  readonly unitOfWork = new ImmediateUnitOfWork();
  readonly ids = new SequentialIds();
  readonly nudge = new CountingNudge();
  readonly sender = new RecordingSender();
  readonly settings = new NotificationSettings(900, 300, new RetryPolicy(3, 1000, 60_000), 60_000, 10);
  readonly notifier = new OrderNotifier(this.notifications, this.contacts, this.ids, this.clock, this.unitOfWork, this.nudge);
  readonly orderChanges = new NotifyOrderStatusChangeHandler(this.unitOfWork, this.processed, this.orders, this.notifier, this.settings);
  readonly paymentChanges = new NotifyPaymentStatusChangeHandler(this.unitOfWork, this.processed, this.orders, this.notifier);
  readonly direct = new SendNotificationHandler(this.contacts, this.notifications, this.sender, this.ids, this.clock, this.settings);
  readonly dispatcher = new NotificationDispatcher(this.notifications, this.orders, this.sender, this.clock, this.settings);

  private seqs = new Map<string, number>();

  /** The order's next `order.status_changed` (seq counted per order), at the clock's time. */
  orderEvent(orderId: string, status: OrderStatusName, extra: { reason?: string; contactEmail?: string; seq?: number; customerId?: string } = {}) {
    const seq = extra.seq ?? (this.seqs.get(orderId) ?? 0) + 1;
    this.seqs.set(orderId, Math.max(seq, this.seqs.get(orderId) ?? 0));
    return this.orderChanges.execute(
      new NotifyOrderStatusChangeCommand(orderId, extra.customerId ?? 'alice', extra.contactEmail ?? '', status, extra.reason ?? '', seq, this.clock.now()),
    );
  }

  paymentEvent(orderId: string, status: PaymentStatusName, seq: number) {
    return this.paymentChanges.execute(new NotifyPaymentStatusChangeCommand(orderId, 'pay-1', status, seq, this.clock.now()));
  }
}
