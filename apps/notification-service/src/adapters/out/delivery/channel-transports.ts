import type { OutgoingMessage, SendReceipt } from '../../../application/ports/notification-sender.port.js';

/** Sends e-mail: SMTP, or the dev mailbox. Rejects with a DeliveryError. */
export abstract class EmailTransport {
  abstract send(message: OutgoingMessage): Promise<SendReceipt>;
  /** Human-readable destination for the start-up log, without credentials. */
  abstract describe(): string;
}

/** Sends SMS: the HTTP provider, or the dev mailbox. Rejects with a DeliveryError. */
export abstract class SmsTransport {
  abstract send(message: OutgoingMessage): Promise<SendReceipt>;
  abstract describe(): string;
}
