import { Controller } from '@nestjs/common';
import { Roles } from '#libs/auth';
import { notificationV1 } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { NotificationApi } from '../notification.api.js';

/** `oms.v1.NotificationService` over gRPC: internal, so every method needs the `service` (or `admin`) role. */
@Controller()
@Roles('service', 'admin')
@notificationV1.NotificationServiceControllerMethods()
export class NotificationGrpcController implements notificationV1.NotificationServiceController {
  constructor(private readonly api: NotificationApi) {}

  @Idempotent()
  sendNotification(request: notificationV1.SendNotificationRequest): Promise<notificationV1.SendNotificationResponse> {
    return this.api.sendNotification(request);
  }

  @Idempotent()
  setCustomerContact(request: notificationV1.SetCustomerContactRequest): Promise<notificationV1.SetCustomerContactResponse> {
    return this.api.setCustomerContact(request);
  }

  getCustomerContact(request: notificationV1.GetCustomerContactRequest): Promise<notificationV1.GetCustomerContactResponse> {
    return this.api.getCustomerContact(request);
  }
}
