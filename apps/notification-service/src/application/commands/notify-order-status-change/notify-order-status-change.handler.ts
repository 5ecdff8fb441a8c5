import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { paymentReminderSchedule } from '../../../domain/reminder-schedule.js';
import { NotificationSettings } from '../../notification-settings.js';
import { OrderNotifier } from '../../order-notifier.js';
import { ProcessedEvents } from '../../ports/processed-events.port.js';
import { TrackedOrders } from '../../ports/tracked-orders.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import { NotifyOrderStatusChangeCommand, type OrderChangeOutcome } from './notify-order-status-change.command.js';

/**
 * The notifications an order status change calls for (CONTRACT section 6):
 * - RESERVED: a payment reminder, due before the payment deadline (only if the order has not
 *   moved on already, should events arrive late);
 * - PAID: "successfully paid" (payment.status_changed CAPTURED may have recorded it first);
 * - CANCELED: the cancellation with its reason (PAYMENT_TIMEOUT is the order-timeout alert);
 * - REFUNDED: the refund;
 * and leaving RESERVED drops a reminder not sent yet. A repeated event (same order and seq)
 * changes nothing; each kind exists at most once per order.
 */
@CommandHandler(NotifyOrderStatusChangeCommand)
export class NotifyOrderStatusChangeHandler implements ICommandHandler<NotifyOrderStatusChangeCommand> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly processed: ProcessedEvents,
    private readonly orders: TrackedOrders,
    private readonly notifier: OrderNotifier,
    private readonly settings: NotificationSettings,
  ) {}

  execute(command: NotifyOrderStatusChangeCommand): Promise<OrderChangeOutcome> {
    return this.unitOfWork.run(async () => {
      if (!(await this.processed.firstSighting(command.orderId, 'order.status_changed', command.seq))) return 'duplicate';
      const order = await this.orders.record({
        orderId: command.orderId,
        customerId: command.customerId,
        contactEmail: command.contactEmail,
        status: command.newStatus,
        seq: command.seq,
        occurredAt: command.occurredAt,
      });
      switch (command.newStatus) {
        case 'RESERVED':
          if (order.status === 'RESERVED') {
            const schedule = paymentReminderSchedule(command.occurredAt, this.settings.paymentTimeoutSeconds, this.settings.reminderLeadSeconds);
            await this.notifier.notify(order, 'PAYMENT_REMINDER', { deadline: schedule.expiresAt }, schedule);
          }
          break;
        case 'PAID':
          await this.notifier.cancelReminder(order.orderId);
          await this.notifier.notify(order, 'PAYMENT_CAPTURED');
          break;
        case 'CANCELED':
          await this.notifier.cancelReminder(order.orderId);
          await this.notifier.notify(order, 'ORDER_CANCELED', { reason: command.reason });
          break;
        case 'REFUNDED':
          await this.notifier.cancelReminder(order.orderId);
          await this.notifier.notify(order, 'ORDER_REFUNDED', { reason: command.reason });
          break;
        case 'CONFIRMED':
          await this.notifier.cancelReminder(order.orderId);
          break;
        case 'PENDING':
          break;
      }
      return 'handled';
    });
  }
}
