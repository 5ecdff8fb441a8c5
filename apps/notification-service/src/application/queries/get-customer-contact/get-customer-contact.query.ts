import { Query } from '@nestjs/cqrs';
import type { ContactView } from '../../views/contact.view.js';

export class GetCustomerContactQuery extends Query<ContactView> {
  constructor(readonly customerId: string) {
    super();
  }
}
