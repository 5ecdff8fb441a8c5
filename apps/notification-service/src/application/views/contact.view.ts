import type { ContactDetails } from '../../domain/customer-contact.js';

/** A customer's contact details as the ports render them; JSON-safe (an idempotency key stores it). */
export interface ContactView {
  readonly customerId: string;
  readonly email: string;
  readonly phone: string;
  readonly preferredChannel: 'email' | 'sms';
  /** RFC 3339. */
  readonly updateTime: string;
}

export function toContactView(contact: ContactDetails): ContactView {
  return {
    customerId: contact.customerId,
    email: contact.email,
    phone: contact.phone,
    preferredChannel: contact.preferredChannel,
    updateTime: contact.updateTime.toISOString(),
  };
}
