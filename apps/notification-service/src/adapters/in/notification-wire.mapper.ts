import { notificationV1, timestampFromDate } from '#libs/contracts';
import type { ContactView } from '../../application/views/contact.view.js';
import type { NotificationView } from '../../application/views/notification.view.js';

export function toProtoContact(view: ContactView): notificationV1.CustomerContact {
  return {
    customerId: view.customerId,
    email: view.email,
    phone: view.phone,
    preferredChannel: view.preferredChannel,
    updateTime: timestampFromDate(new Date(view.updateTime)),
  };
}

export function toProtoNotification(view: NotificationView): notificationV1.Notification {
  return {
    id: view.id,
    customerId: view.customerId,
    orderId: view.orderId,
    kind: view.kind,
    channel: view.channel,
    recipient: view.recipient,
    subject: view.subject,
    body: view.body,
    status: view.status,
    attempts: view.attempts,
    providerMessageId: view.providerMessageId,
    createTime: timestampFromDate(new Date(view.createTime)),
    updateTime: timestampFromDate(new Date(view.updateTime)),
  };
}
