import type { Channel } from './channel.js';
import type { ContactDetails } from './customer-contact.js';

/** Where one notification goes. */
export interface Recipient {
  readonly channel: Channel;
  /** An e-mail address or an E.164 phone number. */
  readonly address: string;
}

/**
 * The recipient of an order notification (CONTRACT section 6): the customer's stored contact on
 * its preferred channel, else the `email` claim of the token that created the order, else nobody
 * (the notification is recorded as SKIPPED).
 */
export function chooseRecipient(contact: ContactDetails | null, orderEmail: string | null | undefined): Recipient | null {
  if (contact) {
    const address = addressFor(contact, contact.preferredChannel);
    if (address) return { channel: contact.preferredChannel, address };
  }
  const email = orderEmail?.trim();
  return email ? { channel: 'email', address: email } : null;
}

/** The contact's address on `channel`, if it has one. */
export function addressFor(contact: ContactDetails, channel: Channel): string | null {
  const address = channel === 'email' ? contact.email : contact.phone;
  return address ? address : null;
}
