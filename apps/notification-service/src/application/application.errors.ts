import { DomainError } from '#libs/ddd';
import type { Channel } from '../domain/channel.js';

/** The customer has no stored contact (or none on the channel asked for). */
export class ContactNotFoundError extends DomainError {
  readonly code = 'CONTACT_NOT_FOUND';

  constructor(customerId: string, channel?: Channel) {
    super(
      channel
        ? `customer ${customerId} has no ${channel === 'email' ? 'e-mail address' : 'phone number'} on file`
        : `customer ${customerId} has no contact details on file`,
      channel ? { customerId, channel } : { customerId },
    );
  }
}

/** The e-mail or SMS provider refused the message or could not be reached; a retry may succeed. */
export class NotificationProviderUnavailableError extends DomainError {
  readonly code = 'NOTIFICATION_PROVIDER_UNAVAILABLE';

  constructor(channel: Channel, notificationId: string) {
    super(`the ${channel === 'email' ? 'e-mail' : 'SMS'} provider did not accept the message; retry later`, { channel, notificationId });
  }
}
