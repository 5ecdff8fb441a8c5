import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { Roles } from '#libs/auth';
import { notificationV1 } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { NotificationApi } from '../notification.api.js';

/**
 * Customers' contact details (`/v1/customers/{id}/contact`, role `admin` or `service`):
 * transcoding of SetCustomerContact and GetCustomerContact, bodies in proto3 JSON, e.g.
 * `PUT {"email": "alice@example.com", "phone": "+14155550123", "preferredChannel": "sms"}`.
 */
@Controller('v1/customers')
@Roles('service', 'admin')
export class CustomerContactsHttpController {
  constructor(private readonly api: NotificationApi) {}

  /** Creates or replaces the contact; the customer id comes from the path, never from the body. */
  @Put(':customerId/contact')
  @Idempotent()
  async set(@Param('customerId') customerId: string, @Body() body: Record<string, unknown> | undefined): Promise<unknown> {
    return notificationV1.SetCustomerContactResponse.toJSON(await this.api.setCustomerContact({ ...(body ?? {}), customerId }));
  }

  @Get(':customerId/contact')
  async get(@Param('customerId') customerId: string): Promise<unknown> {
    return notificationV1.GetCustomerContactResponse.toJSON(await this.api.getCustomerContact({ customerId }));
  }
}
