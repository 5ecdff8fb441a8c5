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
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static invalidArgument(violations: readonly FieldViolation[], message?: string): ApiError {
    const text = message ?? violations.map((v) => `${v.field}: ${v.description}`).join('; ');
    return new ApiError('INVALID_ARGUMENT', text, undefined, {}, violations);
  }
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
