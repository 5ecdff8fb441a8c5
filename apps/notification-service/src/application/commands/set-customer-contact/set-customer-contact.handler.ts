import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { contactDetails } from '../../../domain/customer-contact.js';
import { Clock } from '../../ports/clock.port.js';
import { ContactRepository } from '../../ports/contact.repository.port.js';
import { toContactView, type ContactView } from '../../views/contact.view.js';
import { SetCustomerContactCommand } from './set-customer-contact.command.js';

/**
 * Stores a customer's contact details, replacing any earlier ones. Notifications already recorded
 * keep the recipient chosen when they were recorded.
 * @throws InvalidContactError when the details break a rule (e.g. sms without a phone number)
 */
@CommandHandler(SetCustomerContactCommand)
export class SetCustomerContactHandler implements ICommandHandler<SetCustomerContactCommand> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: SetCustomerContactCommand): Promise<ContactView> {
    const contact = contactDetails(command, this.clock.now());
    await this.contacts.upsert(contact);
    return toContactView(contact);
  }
}
