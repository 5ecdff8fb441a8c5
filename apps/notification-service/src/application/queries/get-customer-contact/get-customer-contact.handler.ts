import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../../application.errors.js';
import { ContactRepository } from '../../ports/contact.repository.port.js';
import { toContactView, type ContactView } from '../../views/contact.view.js';
import { GetCustomerContactQuery } from './get-customer-contact.query.js';

/** A customer's contact details. @throws ContactNotFoundError when none are stored */
@QueryHandler(GetCustomerContactQuery)
export class GetCustomerContactHandler implements IQueryHandler<GetCustomerContactQuery> {
  constructor(private readonly contacts: ContactRepository) {}

  async execute(query: GetCustomerContactQuery): Promise<ContactView> {
    const contact = await this.contacts.find(query.customerId);
    if (!contact) throw new ContactNotFoundError(query.customerId);
    return toContactView(contact);
  }
}
