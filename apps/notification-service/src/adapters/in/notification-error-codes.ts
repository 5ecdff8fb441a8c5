import type { ErrorCodeTable } from '#libs/errors';

/**
 * How notification-service's typed errors are answered, on gRPC and both REST APIs alike (the
 * legacy `/api` body carries the same HTTP status as its `code`).
 */
export const NOTIFICATION_ERROR_CODES: ErrorCodeTable = {
  INVALID_CONTACT: 'INVALID_ARGUMENT',
  CONTACT_NOT_FOUND: 'NOT_FOUND',
  NOTIFICATION_PROVIDER_UNAVAILABLE: 'UNAVAILABLE',
  NOTIFICATION_SETTLED: 'FAILED_PRECONDITION',
};

/** Codes that describe a moment, not the request: an idempotency key is not bound to them. */
export const TRANSIENT_NOTIFICATION_ERROR_CODES: readonly string[] = ['NOTIFICATION_PROVIDER_UNAVAILABLE'];
