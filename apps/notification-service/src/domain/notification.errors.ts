import { DomainError } from '#libs/ddd';
import type { NotificationStatus } from './notification-status.js';

/** One broken rule of an input; `field` is its JSON name, e.g. `preferredChannel`. */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/** Contact details break one or more rules; every violation found is listed. */
export class InvalidContactError extends DomainError {
  readonly code = 'INVALID_CONTACT';
  readonly violations: readonly FieldViolation[];

  constructor(violations: readonly FieldViolation[]) {
    super(`Invalid contact: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`);
    this.violations = Object.freeze(violations.map((v) => Object.freeze({ ...v })));
  }
}

/** A notification is settled (sent, failed, skipped or canceled) and cannot change any more. */
export class NotificationSettledError extends DomainError {
  readonly code = 'NOTIFICATION_SETTLED';

  constructor(id: string, status: NotificationStatus, attempted: string) {
    super(`notification ${id} is ${status}; it cannot be ${attempted}`, { notificationId: id, status });
  }
}
