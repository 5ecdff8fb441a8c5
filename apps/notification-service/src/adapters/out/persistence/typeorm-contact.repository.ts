import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { ContactRepository } from '../../../application/ports/contact.repository.port.js';
import type { Channel } from '../../../domain/channel.js';
import type { ContactDetails } from '../../../domain/customer-contact.js';
import { CustomerContactOrmEntity } from './customer-contact.orm-entity.js';
import { NOTIFICATION_SCHEMA } from './notification-schema.js';

/** Contact details in PostgreSQL, one row per customer. */
@Injectable()
export class TypeOrmContactRepository extends ContactRepository {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async find(customerId: string): Promise<ContactDetails | null> {
    const row = await this.tx.manager().findOneBy(CustomerContactOrmEntity, { customerId });
    return row
      ? { customerId: row.customerId, email: row.email, phone: row.phone, preferredChannel: row.preferredChannel as Channel, updateTime: row.updateTime }
      : null;
  }

  async upsert(contact: ContactDetails): Promise<void> {
    await this.tx.manager().query(
      `INSERT INTO ${NOTIFICATION_SCHEMA}.customer_contacts (customer_id, email, phone, preferred_channel, create_time, update_time)
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (customer_id) DO UPDATE
         SET email = EXCLUDED.email, phone = EXCLUDED.phone, preferred_channel = EXCLUDED.preferred_channel, update_time = EXCLUDED.update_time`,
      [contact.customerId, contact.email, contact.phone, contact.preferredChannel, contact.updateTime],
    );
  }
}
