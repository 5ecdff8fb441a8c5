import { isChannel, type Channel } from './channel.js';
import { InvalidContactError, type FieldViolation } from './notification.errors.js';

/** Limits of contact details, shared with the request rules at the edge. */
export const CONTACT_LIMITS = Object.freeze({
  customerIdMaxLength: 128,
  emailMaxLength: 254,
  /** A pragmatic address check: one @, no spaces, a dot in the domain. Deliverability is the provider's call. */
  email: /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/,
  /** E.164: +, country code, up to 15 digits in all. */
  phone: /^\+[1-9]\d{6,14}$/,
});

/** A customer's stored contact details, as read. */
export interface ContactDetails {
  readonly customerId: string;
  /** Empty when none. */
  readonly email: string;
  /** Empty when none; E.164 otherwise. */
  readonly phone: string;
  readonly preferredChannel: Channel;
  readonly updateTime: Date;
}

export interface ContactInput {
  readonly customerId: string;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly preferredChannel?: string | null;
}

/**
 * Validated contact details: the preferred channel's address is always present, so a stored
 * contact always names somewhere to send to. Addresses are trimmed; e-mail domains keep their case
 * (providers ignore it).
 * @throws InvalidContactError listing every broken rule
 */
export function contactDetails(input: ContactInput, now: Date): ContactDetails {
  const violations: FieldViolation[] = [];
  const customerId = input.customerId.trim();
  const email = (input.email ?? '').trim();
  const phone = (input.phone ?? '').trim();
  const channel = input.preferredChannel ?? '';
  if (customerId.length === 0 || customerId.length > CONTACT_LIMITS.customerIdMaxLength) {
    violations.push({ field: 'customerId', description: `must be 1 to ${CONTACT_LIMITS.customerIdMaxLength} characters` });
  }
  if (email && (email.length > CONTACT_LIMITS.emailMaxLength || !CONTACT_LIMITS.email.test(email))) {
    violations.push({ field: 'email', description: 'must be an e-mail address such as alice@example.com' });
  }
  if (phone && !CONTACT_LIMITS.phone.test(phone)) {
    violations.push({ field: 'phone', description: 'must be an E.164 phone number such as +14155550123' });
  }
  if (!isChannel(channel)) {
    violations.push({ field: 'preferredChannel', description: 'must be "email" or "sms"' });
  } else if (channel === 'email' && !email) {
    violations.push({ field: 'email', description: 'is required when preferredChannel is "email"' });
  } else if (channel === 'sms' && !phone) {
    violations.push({ field: 'phone', description: 'is required when preferredChannel is "sms"' });
  }
  if (violations.length > 0) throw new InvalidContactError(violations);
  return { customerId, email, phone, preferredChannel: channel as Channel, updateTime: now };
}
