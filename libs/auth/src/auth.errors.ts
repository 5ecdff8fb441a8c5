/**
 * The caller could not be authenticated (no, malformed, expired or untrusted token). The app's
 * exception filter maps `code` to gRPC UNAUTHENTICATED / HTTP 401. Messages are safe to return:
 * they never contain the token or its claims.
 */
export class AuthenticationError extends Error {
  readonly code = 'UNAUTHENTICATED';
  override readonly name = 'AuthenticationError';
}

/**
 * The caller is authenticated but lacks a required role. Mapped to gRPC PERMISSION_DENIED /
 * HTTP 403 by the app's exception filter.
 */
export class PermissionDeniedError extends Error {
  readonly code = 'PERMISSION_DENIED';
  override readonly name = 'PermissionDeniedError';
}
