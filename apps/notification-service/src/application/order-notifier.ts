import { Injectable } from '@nestjs/common';
import { Notification } from '../domain/notification.aggregate.js';
import type { OrderNotificationKind } from '../domain/notification-kind.js';
import { renderOrderNotification, type OrderFacts } from '../domain/notification.templates.js';
import { chooseRecipient } from '../domain/recipient.js';
import type { ReminderSchedule } from '../domain/reminder-schedule.js';
import { Clock } from './ports/clock.port.js';
import { ContactRepository } from './ports/contact.repository.port.js';
import { DispatchNudge } from './ports/dispatch-nudge.port.js';
import { IdGenerator } from './ports/id-generator.port.js';
import { NotificationRepository } from './ports/notification.repository.port.js';
import type { TrackedOrder } from './ports/tracked-orders.port.js';
import { UnitOfWork } from './ports/unit-of-work.port.js';

/** Why a pending reminder is dropped when the order moves on. */
export const ORDER_LEFT_RESERVED = 'ORDER_LEFT_RESERVED';

/**
 * What the two event handlers have in common: recording an order's notification of a kind (at
 * most one per order and kind, recipient chosen now) and dropping a reminder that is no longer
 * wanted. Runs in the caller's unit of work; the dispatcher sends after the commit.
 */
@Injectable()
export class OrderNotifier {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly contacts: ContactRepository,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly unitOfWork: UnitOfWork,
    private readonly nudge: DispatchNudge,
  ) {}

  /** Records the notification unless the order has one of this kind; resolves whether it did. */
  async notify(order: TrackedOrder, kind: OrderNotificationKind, facts: Omit<OrderFacts, 'orderId'> = {}, schedule?: ReminderSchedule): Promise<boolean> {
    const contact = await this.contacts.find(order.customerId);
    const notification = Notification.create({
      id: this.ids.next(),
      orderId: order.orderId,
      customerId: order.customerId,
      kind,
      recipient: chooseRecipient(contact, order.contactEmail),
      content: renderOrderNotification(kind, { ...facts, orderId: order.orderId }),
      now: this.clock.now(),
      dueAt: schedule?.dueAt,
      expiresAt: schedule?.expiresAt,
    });
    const inserted = await this.notifications.insertOnce(notification);
    if (inserted && notification.status === 'PENDING' && !schedule) this.unitOfWork.afterCommit(() => this.nudge.nudge());
    return inserted;
  }

  /** Drops the order's pending payment reminder, if it has one that is not being sent right now. */
  cancelReminder(orderId: string): Promise<boolean> {
    return this.notifications.cancelPending(orderId, 'PAYMENT_REMINDER', ORDER_LEFT_RESERVED, this.clock.now());
  }
}
