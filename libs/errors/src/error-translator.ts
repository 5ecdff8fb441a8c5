import { ApiError, type FieldViolation, type StatusCode } from './api-error.js';

/** How an error with a given stable `code` is answered; the code itself becomes ErrorInfo.reason. */
export type ErrorCodeTable = Readonly<Record<string, StatusCode>>;

interface CodedError {
  code: string;
  message: string;
  details?: Record<string, string>;
  violations?: readonly FieldViolation[];
}

const AUTH_CODES: ErrorCodeTable = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
};

function isCoded(error: unknown): error is CodedError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/** Status per HTTP status of errors raised by the HTTP stack itself (body parser, router). */
function fromHttpStatus(status: number): StatusCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404 || status === 405) return 'NOT_FOUND';
  if (status === 409) return 'ABORTED';
  if (status === 429) return 'RESOURCE_EXHAUSTED';
  if (status === 503) return 'UNAVAILABLE';
  if (status === 504) return 'DEADLINE_EXCEEDED';
  if (status >= 400 && status < 500) return 'INVALID_ARGUMENT';
  return 'INTERNAL';
}

/**
 * Turns whatever a handler threw into an ApiError. Typed errors are looked up by their stable
 * `code` in the app's table; anything unknown becomes INTERNAL (and is logged by the filter),
 * which is never the answer to bad client input because input is validated before it gets deep.
 */
export class ErrorTranslator {
  private readonly table: ErrorCodeTable;

  constructor(table: ErrorCodeTable) {
    this.table = { ...AUTH_CODES, ...table };
  }

  translate(error: unknown): ApiError {
    if (error instanceof ApiError) return error;
    if (isCoded(error) && Object.hasOwn(this.table, error.code)) {
      return new ApiError(
        this.table[error.code]!,
        error.message,
        error.code,
        error.details ?? {},
        error.violations ?? [],
      );
    }
    if (isUnstorableText(error)) return ApiError.invalidArgument([{ field: '', description: UNSTORABLE_TEXT }]);
    const infrastructure = infrastructureStatus(error);
    if (infrastructure) return new ApiError(infrastructure, INFRASTRUCTURE_MESSAGE[infrastructure] ?? infrastructure);
    const httpStatus = httpStatusOf(error);
    // The HTTP stack refused a body over its limit (Fastify's bodyLimit, a route's own limit).
    if (httpStatus === 413) return ApiError.payloadTooLarge();
    if (httpStatus !== undefined && (httpStatus < 500 || httpStatus === 503 || httpStatus === 504)) {
      const message = error instanceof Error ? error.message : 'bad request';
      return new ApiError(fromHttpStatus(httpStatus), message);
    }
    return new ApiError('INTERNAL', 'internal error');
  }
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { getStatus?: () => number; statusCode?: unknown; status?: unknown };
  if (typeof e.getStatus === 'function') return e.getStatus();
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

const UNSTORABLE_TEXT = 'a text value is not valid UTF-8 or contains the NUL character';

/**
 * PostgreSQL refused a text parameter for its encoding (SQLSTATE 22021, e.g. a NUL character, or
 * 22P05). Only a request's text gets there: the edge checks requests for this first, and this is
 * the backstop for any path that skipped it, so the client learns what was wrong instead of 500.
 */
function isUnstorableText(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown })?.driverError];
  return candidates.some((e) => ['22021', '22P05'].includes((e as { code?: unknown })?.code as string));
}

const INFRASTRUCTURE_MESSAGE: Record<string, string> = {
  UNAVAILABLE: 'a dependency of the service is unavailable; retry with backoff',
  ABORTED: 'the request conflicted with a concurrent one; retry',
};

/**
 * Failures of the database or the network that a retry may cure. They say nothing about the
 * request, so clients get UNAVAILABLE (or ABORTED for a lost transaction race), never INTERNAL.
 */
function infrastructureStatus(error: unknown): StatusCode | undefined {
  const candidates = [error, (error as { driverError?: unknown })?.driverError];
  for (const e of candidates) {
    const code = (e as { code?: unknown })?.code;
    if (typeof code !== 'string') continue;
    // PostgreSQL SQLSTATE: 40001 serialization failure, 40P01 deadlock.
    if (code === '40001' || code === '40P01') return 'ABORTED';
    // 08xxx connection exceptions, 53xxx insufficient resources, 57P0x server shutting down.
    if (/^(08|53|57P0)/.test(code)) return 'UNAVAILABLE';
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return 'UNAVAILABLE';
  }
  const message = error instanceof Error ? error.message : '';
  // TypeORM's "query runner (was) already released": the transaction's connection died under it.
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|Driver not Connected|not currently accepting connections|query runner (was )?already released/i.test(message)) {
    return 'UNAVAILABLE';
  }
  return undefined;
}
