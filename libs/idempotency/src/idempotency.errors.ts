import { DomainError } from '#libs/ddd';

/** The key was used before for a different request (its hash differs). */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(key: string) {
    super('this idempotency key was already used for a different request', { idempotencyKey: key });
  }
}

/** The first request with this key is still running and did not finish within the wait limit. */
export class IdempotentRequestInProgressError extends DomainError {
  readonly code = 'IDEMPOTENT_REQUEST_IN_PROGRESS';
  constructor(key: string) {
    super('a request with this idempotency key is still in progress; retry later', { idempotencyKey: key });
  }
}

/** A stored error answer brought back to life, so the port maps it exactly as the first time. */
export class ReplayedError extends DomainError {
  constructor(
    readonly code: string,
    message: string,
    details: Record<string, string>,
    readonly violations?: readonly { field: string; description: string }[],
  ) {
    super(message, details);
  }
}

/** How the idempotency layer's errors are answered. */
export const IDEMPOTENCY_ERROR_CODES = {
  IDEMPOTENCY_KEY_REUSED: 'ALREADY_EXISTS',
  IDEMPOTENT_REQUEST_IN_PROGRESS: 'ABORTED',
} as const;
