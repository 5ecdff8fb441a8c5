import { Logger } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { DeliveryError, type OutgoingMessage, type SendReceipt } from '../../../application/ports/notification-sender.port.js';
import { EmailTransport, SmsTransport } from './channel-transports.js';

/**
 * The zero-install mode's stand-in for the providers: every e-mail becomes an RFC 5322 `.eml`
 * file (open it in any mail client) and every SMS a `.sms.json` file in `<OMS_DATA_DIR>/mailbox`,
 * and the log names the file. File names sort by time.
 */
export class DevMailbox {
  private readonly logger = new Logger('DevMailbox');
  private readonly composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    readonly dir: string,
    private readonly from: string,
  ) {}

  async email(message: OutgoingMessage): Promise<SendReceipt> {
    const info = await this.composer.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.body,
      messageId: `<${message.notificationId}@notification-service.oms>`,
    });
    const path = await this.write(`${message.notificationId}.eml`, info.message as Buffer);
    this.logger.log({ notificationId: message.notificationId, to: message.to, file: path }, `e-mail written to the dev mailbox: ${path}`);
    return { providerMessageId: info.messageId };
  }

  async sms(message: OutgoingMessage): Promise<SendReceipt> {
    const body = JSON.stringify({ to: message.to, message: message.body, at: new Date().toISOString() }, null, 2);
    const path = await this.write(`${message.notificationId}.sms.json`, `${body}\n`);
    this.logger.log({ notificationId: message.notificationId, to: message.to, file: path }, `SMS written to the dev mailbox: ${path}`);
    return { providerMessageId: `mailbox:${path}` };
  }

  private async write(name: string, content: Buffer | string): Promise<string> {
    const path = join(this.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`);
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(path, content);
    } catch (error) {
      throw new DeliveryError(`dev mailbox not writable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return path;
  }
}

export class MailboxEmailTransport extends EmailTransport {
  constructor(private readonly mailbox: DevMailbox) {
    super();
  }

  send(message: OutgoingMessage): Promise<SendReceipt> {
    return this.mailbox.email(message);
  }

  describe(): string {
    return `dev mailbox ${this.mailbox.dir} (OMS_SMTP_URL unset)`;
  }
}

export class MailboxSmsTransport extends SmsTransport {
  constructor(private readonly mailbox: DevMailbox) {
    super();
  }

  send(message: OutgoingMessage): Promise<SendReceipt> {
    return this.mailbox.sms(message);
  }

  describe(): string {
    return `dev mailbox ${this.mailbox.dir} (OMS_SMS_URL unset)`;
  }
}
