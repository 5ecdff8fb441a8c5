/** The PostgreSQL schema notification-service owns. */
export const NOTIFICATION_SCHEMA = 'notification_service';
