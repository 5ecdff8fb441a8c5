import type { ContactDetails } from './customer-contact.js';
import { addressFor, chooseRecipient } from './recipient.js';

const contact = (over: Partial<ContactDetails>): ContactDetails => ({
  customerId: 'alice',
  email: 'alice@example.com',
  phone: '+14155550123',
  preferredChannel: 'email',
  updateTime: new Date(0),
  ...over,
});

describe('chooseRecipient', () => {
  it('prefers the stored contact on its preferred channel', () => {
    expect(chooseRecipient(contact({}), 'token@example.com')).toEqual({ channel: 'email', address: 'alice@example.com' });
    expect(chooseRecipient(contact({ preferredChannel: 'sms' }), 'token@example.com')).toEqual({ channel: 'sms', address: '+14155550123' });
  });

  it("falls back to the creating token's e-mail claim", () => {
    expect(chooseRecipient(null, ' bob@example.com ')).toEqual({ channel: 'email', address: 'bob@example.com' });
  });

  it('finds nobody without either', () => {
    expect(chooseRecipient(null, '')).toBeNull();
    expect(chooseRecipient(null, null)).toBeNull();
    expect(chooseRecipient(null, undefined)).toBeNull();
  });

  it("uses the fallback if a stored contact somehow lacks its channel's address", () => {
    expect(chooseRecipient(contact({ preferredChannel: 'sms', phone: '' }), 'bob@example.com')).toEqual({ channel: 'email', address: 'bob@example.com' });
  });
});

describe('addressFor', () => {
  it("is the contact's address on a channel, or null", () => {
    expect(addressFor(contact({}), 'sms')).toBe('+14155550123');
    expect(addressFor(contact({ email: '' }), 'email')).toBeNull();
  });
});
