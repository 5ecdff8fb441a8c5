/** Every status a notification can be in. */
export const NOTIFICATION_STATUSES = ['PENDING', 'SENT', 'FAILED', 'SKIPPED', 'CANCELED'] as const;

export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * The status machine as data. PENDING -> PENDING is a failed attempt scheduled again. SKIPPED is
 * only ever a starting status (nobody to send to), so nothing leads to it.
 */
export const NOTIFICATION_TRANSITIONS: Readonly<Record<NotificationStatus, readonly NotificationStatus[]>> = Object.freeze({
  PENDING: ['PENDING', 'SENT', 'FAILED', 'CANCELED'],
  SENT: [],
  FAILED: [],
  SKIPPED: [],
  CANCELED: [],
});

export function canTransition(from: NotificationStatus, to: NotificationStatus): boolean {
  return NOTIFICATION_TRANSITIONS[from].includes(to);
}

/** Whether no transition leaves `status`: the notification is settled for good. */
export function isTerminal(status: NotificationStatus): boolean {
  return NOTIFICATION_TRANSITIONS[status].length === 0;
}
