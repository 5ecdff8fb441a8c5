import { Command } from '@nestjs/cqrs';
import type { OrderStatusName } from '../../ports/tracked-orders.port.js';

/** What happened to the order, for {@link NotifyOrderStatusChangeCommand}. */
export type OrderChangeOutcome = 'duplicate' | 'handled';

/** React to one `order.status_changed` event: remember the order, record or drop notifications. */
export class NotifyOrderStatusChangeCommand extends Command<OrderChangeOutcome> {
  constructor(
    readonly orderId: string,
    readonly customerId: string,
    /** Only on the creation event: the creating token's `email` claim; else empty. */
    readonly contactEmail: string,
    readonly newStatus: OrderStatusName,
    readonly reason: string,
    readonly seq: number,
    readonly occurredAt: Date,
  ) {
    super();
  }
}
