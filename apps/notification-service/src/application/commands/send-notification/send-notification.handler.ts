import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Notification } from '../../../domain/notification.aggregate.js';
import { addressFor } from '../../../domain/recipient.js';
import { ContactNotFoundError, NotificationProviderUnavailableError } from '../../application.errors.js';
import { NotificationSettings, SINGLE_ATTEMPT } from '../../notification-settings.js';
import { Clock } from '../../ports/clock.port.js';
import { ContactRepository } from '../../ports/contact.repository.port.js';
import { IdGenerator } from '../../ports/id-generator.port.js';
import { NotificationRepository } from '../../ports/notification.repository.port.js';
import { DeliveryError, NotificationSender } from '../../ports/notification-sender.port.js';
import { toNotificationView, type NotificationView } from '../../views/notification.view.js';
import { SendNotificationCommand } from './send-notification.command.js';

/**
 * Sends a DIRECT message synchronously: recorded as an attempt in flight first (so a crash
 * mid-send leaves a row the dispatcher finishes once the lease ends), then handed to the provider,
 * then recorded SENT. A provider failure is recorded FAILED and answered UNAVAILABLE: the caller
 * knows it failed and decides whether to send again, so nothing retries behind its back.
 * @throws ContactNotFoundError when the customer has no address on that channel
 * @throws NotificationProviderUnavailableError when the provider did not accept the message
 */
@CommandHandler(SendNotificationCommand)
export class SendNotificationHandler implements ICommandHandler<SendNotificationCommand> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly notifications: NotificationRepository,
    private readonly sender: NotificationSender,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly settings: NotificationSettings,
  ) {}

  async execute(command: SendNotificationCommand): Promise<NotificationView> {
    const contact = await this.contacts.find(command.customerId);
    const address = contact ? addressFor(contact, command.channel) : null;
    if (!address) throw new ContactNotFoundError(command.customerId, command.channel);

    const notification = Notification.create({
      id: this.ids.next(),
      orderId: null,
      customerId: command.customerId,
      kind: 'DIRECT',
      recipient: { channel: command.channel, address },
      content: { subject: command.channel === 'email' ? command.subject : '', body: command.message },
      now: this.clock.now(),
    });
    notification.startAttempt(this.clock.now(), this.settings.leaseMs);
    await this.notifications.insert(notification);
    try {
      const receipt = await this.sender.send({
        notificationId: notification.id,
        channel: command.channel,
        to: address,
        ...notification.content,
      });
      notification.markSent(receipt.providerMessageId, this.clock.now());
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      notification.recordFailure(error.message, this.clock.now(), SINGLE_ATTEMPT);
      await this.notifications.save(notification);
      throw new NotificationProviderUnavailableError(command.channel, notification.id);
    }
    await this.notifications.save(notification);
    return toNotificationView(notification);
  }
}
