/**
 * What a notification is about. The first four are derived from order and payment events, at most
 * one per order and kind (CONTRACT section 6); DIRECT is a message an internal caller sent through
 * `POST /api/notification/send` or gRPC SendNotification.
 */
export const ORDER_NOTIFICATION_KINDS = ['PAYMENT_CAPTURED', 'ORDER_CANCELED', 'ORDER_REFUNDED', 'PAYMENT_REMINDER'] as const;

export type OrderNotificationKind = (typeof ORDER_NOTIFICATION_KINDS)[number];

export type NotificationKind = OrderNotificationKind | 'DIRECT';
