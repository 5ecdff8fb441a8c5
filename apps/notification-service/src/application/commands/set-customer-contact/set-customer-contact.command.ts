import { Command } from '@nestjs/cqrs';
import type { ContactView } from '../../views/contact.view.js';

/** Create or replace a customer's contact details. */
export class SetCustomerContactCommand extends Command<ContactView> {
  constructor(
    readonly customerId: string,
    readonly email: string,
    readonly phone: string,
    readonly preferredChannel: string,
  ) {
    super();
  }
}
