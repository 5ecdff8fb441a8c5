import { contactDetails } from './customer-contact.js';
import { InvalidContactError } from './notification.errors.js';

const NOW = new Date('2030-01-01T00:00:00Z');

function violations(input: Parameters<typeof contactDetails>[0]): string[] {
  try {
    contactDetails(input, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidContactError);
    return (error as InvalidContactError).violations.map((v) => `${v.field}: ${v.description}`);
  }
  throw new Error('expected the contact to be refused');
}

describe('contactDetails', () => {
  it('accepts an e-mail contact, an SMS contact, and both addresses', () => {
    expect(contactDetails({ customerId: '123456', email: ' a@b.io ', preferredChannel: 'email' }, NOW)).toEqual({
      customerId: '123456',
      email: 'a@b.io',
      phone: '',
      preferredChannel: 'email',
      updateTime: NOW,
    });
    expect(contactDetails({ customerId: 'c', phone: '+4915112345678', preferredChannel: 'sms' }, NOW).phone).toBe('+4915112345678');
    expect(contactDetails({ customerId: 'c', email: 'a@b.io', phone: '+14155550123', preferredChannel: 'sms' }, NOW).preferredChannel).toBe('sms');
  });

  it("requires the preferred channel's address", () => {
    expect(violations({ customerId: 'c', phone: '+14155550123', preferredChannel: 'email' })).toEqual(['email: is required when preferredChannel is "email"']);
    expect(violations({ customerId: 'c', email: 'a@b.io', preferredChannel: 'sms' })).toEqual(['phone: is required when preferredChannel is "sms"']);
  });

  it('lists every broken rule at once', () => {
    expect(violations({ customerId: ' ', email: 'not-an-address', phone: '0800 123', preferredChannel: 'fax' })).toEqual([
      'customerId: must be 1 to 128 characters',
      'email: must be an e-mail address such as alice@example.com',
      'phone: must be an E.164 phone number such as +14155550123',
      'preferredChannel: must be "email" or "sms"',
    ]);
  });

  it.each(['a b@c.io', 'a@b', '@b.io', 'a@b.io\r\nBcc: x@y.io'])('refuses the e-mail address %j', (email) => {
    expect(violations({ customerId: 'c', email, preferredChannel: 'email' })).toEqual(['email: must be an e-mail address such as alice@example.com']);
  });
});
