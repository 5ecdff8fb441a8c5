import { Command } from '@nestjs/cqrs';
import type { Channel } from '../../../domain/channel.js';
import type { NotificationView } from '../../views/notification.view.js';

/** Send one message now to a customer's stored address on `channel` (seed 000, section 4). */
export class SendNotificationCommand extends Command<NotificationView> {
  constructor(
    readonly customerId: string,
    readonly channel: Channel,
    /** E-mail only; empty for SMS. */
    readonly subject: string,
    readonly message: string,
  ) {
    super();
  }
}
