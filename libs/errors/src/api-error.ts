/** The canonical error codes a client of this system can receive (google.rpc.Code names). */
export type StatusCode =
  | 'INVALID_ARGUMENT'
  | 'ALREADY_EXISTS'
  | 'NOT_FOUND'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'DEADLINE_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface FieldViolation {
  /** Path of the offending field in the request, JSON names (`items[0].qty`). */
  readonly field: string;
  readonly description: string;
}

/** Domain of every ErrorInfo this system emits. */
export const ERROR_DOMAIN = 'oms.v1';

/**
 * A transport-neutral error answer: rendered as a gRPC status with google.rpc details, or as an
 * AIP-193 JSON body, by the single exception filter of each app.
 */
export class ApiError extends Error {
  constructor(
    readonly status: StatusCode,
    message: string,
    readonly reason?: string,
    readonly metadata: Readonly<Record<string, string>> = {},
    readonly fieldViolations: readonly FieldViolation[] = [],
    /**
     * HTTP status when it is not the code's usual one (AIP-193 allows a more precise status for
     * the same code): 413 for a body over the size limit, which is RESOURCE_EXHAUSTED like gRPC's
     * oversized message but not a rate limit (429).
     */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static invalidArgument(violations: readonly FieldViolation[], message?: string): ApiError {
    const text = message ?? violations.map((v) => (v.field ? `${v.field}: ${v.description}` : v.description)).join('; ');
    return new ApiError('INVALID_ARGUMENT', text, undefined, {}, violations);
  }

  /** A request over a size limit: RESOURCE_EXHAUSTED, reason `PAYLOAD_TOO_LARGE`, HTTP 413. */
  static payloadTooLarge(message = 'the request body exceeds the size limit'): ApiError {
    return new ApiError('RESOURCE_EXHAUSTED', message, 'PAYLOAD_TOO_LARGE', {}, [], 413);
  }
}

/** The HTTP status an error is answered with: its own override, else the code's usual one. */
export function httpStatusFor(error: ApiError): number {
  return error.httpStatus ?? HTTP_STATUS[error.status];
}

/** HTTP status per canonical code (AIP-193 / gRPC transcoding). */
export const HTTP_STATUS: Readonly<Record<StatusCode, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** Numeric gRPC status per canonical code. */
export const GRPC_STATUS: Readonly<Record<StatusCode, number>> = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
};
