import { createTransport } from 'nodemailer';
import { DeliveryError, type OutgoingMessage, type SendReceipt } from '../../../application/ports/notification-sender.port.js';
import { EmailTransport } from './channel-transports.js';

/**
 * E-mail over SMTP with nodemailer. One connection per message (no pool): a restarted or
 * replaced mail server is simply reached again by the next attempt. The Message-ID is derived
 * from the notification id, so a retry after a crash mid-send carries the same id and the
 * receiving side can tell the copies apart.
 */
export class SmtpEmailTransport extends EmailTransport {
  private readonly transporter;

  constructor(
    private readonly url: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    super();
    this.transporter = createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    try {
      const info = await this.transporter.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        text: message.body,
        messageId: `<${message.notificationId}@notification-service.oms>`,
      });
      if (info.rejected.length > 0) throw new Error(`recipient refused: ${info.response}`);
      return { providerMessageId: info.messageId };
    } catch (error) {
      const e = error as { responseCode?: number; code?: string; message?: string };
      const detail = e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'SMTP error');
      throw new DeliveryError(`e-mail not accepted (${detail}): ${e.message ?? String(error)}`, { cause: error });
    }
  }

  describe(): string {
    return `SMTP ${this.url.replace(/\/\/[^@/]*@/, '//***@')}`;
  }
}
