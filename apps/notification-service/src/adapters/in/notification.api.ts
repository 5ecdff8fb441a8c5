import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { notificationV1 } from '#libs/contracts';
import { IdempotentCommandBus } from '#libs/idempotency';
import { validateRequest } from '#libs/validation';
import { SendNotificationCommand } from '../../application/commands/send-notification/send-notification.command.js';
import { SetCustomerContactCommand } from '../../application/commands/set-customer-contact/set-customer-contact.command.js';
import { GetCustomerContactQuery } from '../../application/queries/get-customer-contact/get-customer-contact.query.js';
import { toProtoContact, toProtoNotification } from './notification-wire.mapper.js';
import { CustomerIdRequest, SendNotificationRequest, SetCustomerContactRequest } from './requests/notification.requests.js';

/**
 * NotificationService as every inbound port sees it: an `oms.v1` request message in (as received,
 * not yet trusted), an `oms.v1` response message out. gRPC returns it as is, `/v1` REST renders it
 * as proto3 JSON, the legacy `/api` route answers the seed's `{code, message}`.
 */
@Injectable()
export class NotificationApi {
  constructor(
    private readonly commands: IdempotentCommandBus,
    private readonly queries: QueryBus,
  ) {}

  async sendNotification(input: unknown): Promise<notificationV1.SendNotificationResponse> {
    const req = await validateRequest(SendNotificationRequest, input);
    const view = await this.commands.execute(new SendNotificationCommand(req.userId, req.notificationType, req.subject ?? '', req.message));
    return { notification: toProtoNotification(view) };
  }

  async setCustomerContact(input: unknown): Promise<notificationV1.SetCustomerContactResponse> {
    const req = await validateRequest(SetCustomerContactRequest, input);
    const view = await this.commands.execute(new SetCustomerContactCommand(req.customerId, req.email ?? '', req.phone ?? '', req.preferredChannel));
    return { contact: toProtoContact(view) };
  }

  async getCustomerContact(input: unknown): Promise<notificationV1.GetCustomerContactResponse> {
    const req = await validateRequest(CustomerIdRequest, input);
    return { contact: toProtoContact(await this.queries.execute(new GetCustomerContactQuery(req.customerId))) };
  }
}
