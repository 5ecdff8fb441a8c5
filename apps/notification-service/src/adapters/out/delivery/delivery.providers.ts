import type { Provider } from '@nestjs/common';
import { NotificationSender } from '../../../application/ports/notification-sender.port.js';
import { ChannelRouterSender } from './channel-router.sender.js';
import { EmailTransport, SmsTransport } from './channel-transports.js';
import { DeliveryConfig } from './delivery.config.js';
import { DevMailbox, MailboxEmailTransport, MailboxSmsTransport } from './dev-mailbox.transport.js';
import { HttpSmsTransport } from './http-sms.transport.js';
import { SmtpEmailTransport } from './smtp-email.transport.js';

/** The sender port and its transports: real providers when configured, else the dev mailbox. */
export function deliveryProviders(config: DeliveryConfig): Provider[] {
  const mailbox = new DevMailbox(config.mailboxDir, config.smtpFrom);
  return [
    { provide: DeliveryConfig, useValue: config },
    {
      provide: EmailTransport,
      useValue: config.smtpUrl ? new SmtpEmailTransport(config.smtpUrl, config.smtpFrom, config.timeoutMs) : new MailboxEmailTransport(mailbox),
    },
    {
      provide: SmsTransport,
      useValue: config.smsUrl ? new HttpSmsTransport(config.smsUrl, config.smsApiKey, config.timeoutMs) : new MailboxSmsTransport(mailbox),
    },
    { provide: NotificationSender, useClass: ChannelRouterSender },
  ];
}
