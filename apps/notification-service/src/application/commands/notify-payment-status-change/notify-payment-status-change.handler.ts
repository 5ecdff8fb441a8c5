import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { paymentEventCallsForWork } from '../../event-relevance.js';
import { OrderNotifier } from '../../order-notifier.js';
import { ProcessedEvents } from '../../ports/processed-events.port.js';
import { TrackedOrders } from '../../ports/tracked-orders.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import type { OrderChangeOutcome } from '../notify-order-status-change/notify-order-status-change.command.js';
import { NotifyPaymentStatusChangeCommand } from './notify-payment-status-change.command.js';

/**
 * A captured payment is the moment to say "successfully paid" (the order's PAID event says it too;
 * whichever comes first records it, the other finds it there) and to drop the pending reminder.
 * It needs the order's customer, known from the order's earlier events; for an order never heard
 * of, the PAID event will do. Other payment statuses call for no message.
 */
@CommandHandler(NotifyPaymentStatusChangeCommand)
export class NotifyPaymentStatusChangeHandler implements ICommandHandler<NotifyPaymentStatusChangeCommand> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly processed: ProcessedEvents,
    private readonly orders: TrackedOrders,
    private readonly notifier: OrderNotifier,
  ) {}

  execute(command: NotifyPaymentStatusChangeCommand): Promise<OrderChangeOutcome> {
    return this.unitOfWork.run(async () => {
      if (!(await this.processed.firstSighting(command.orderId, 'payment.status_changed', command.seq))) return 'duplicate';
      if (!paymentEventCallsForWork(command.newStatus)) return 'handled';
      await this.notifier.cancelReminder(command.orderId);
      const order = await this.orders.find(command.orderId);
      if (order) await this.notifier.notify(order, 'PAYMENT_CAPTURED');
      return 'handled';
    });
  }
}
