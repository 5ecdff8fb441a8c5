import type { ContactDetails } from '../../domain/customer-contact.js';

/** Customers' stored contact details, one per customer id. */
export abstract class ContactRepository {
  abstract find(customerId: string): Promise<ContactDetails | null>;

  /** Creates or replaces the customer's contact details. */
  abstract upsert(contact: ContactDetails): Promise<void>;
}
