import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { NotificationSender, type OutgoingMessage, type SendReceipt } from '../../../application/ports/notification-sender.port.js';
import { EmailTransport, SmsTransport } from './channel-transports.js';

/** The sender port over one transport per channel. */
@Injectable()
export class ChannelRouterSender extends NotificationSender implements OnApplicationBootstrap {
  private readonly logger = new Logger('NotificationSender');

  constructor(
    private readonly email: EmailTransport,
    private readonly sms: SmsTransport,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.logger.log(`e-mail: ${this.email.describe()}; SMS: ${this.sms.describe()}`);
  }

  send(message: OutgoingMessage): Promise<SendReceipt> {
    return message.channel === 'email' ? this.email.send(message) : this.sms.send(message);
  }
}
