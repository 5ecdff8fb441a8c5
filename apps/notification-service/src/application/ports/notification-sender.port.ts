import type { Channel } from '../../domain/channel.js';

/** A message ready to leave. */
export interface OutgoingMessage {
  readonly notificationId: string;
  readonly channel: Channel;
  /** An e-mail address or an E.164 number. */
  readonly to: string;
  /** E-mail only. */
  readonly subject: string;
  readonly body: string;
}

/** What the provider said when it accepted the message. */
export interface SendReceipt {
  /** The provider's id of the message (SMTP Message-ID, SMS provider id, dev mailbox file). */
  readonly providerMessageId: string;
}

/**
 * Hands messages to the e-mail and SMS providers (or the dev mailbox). Resolves once the provider
 * accepted the message; rejects with a {@link DeliveryError} otherwise.
 */
export abstract class NotificationSender {
  abstract send(message: OutgoingMessage): Promise<SendReceipt>;
}

/** The provider refused the message or could not be reached. `message` says which and why. */
export class DeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}
