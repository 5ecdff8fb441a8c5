import { ApiError } from '#libs/errors';

/** 1..255 printable ASCII characters (CONTRACT section 1). */
const KEY_FORMAT = /^[\x20-\x7E]{1,255}$/;

/**
 * The key as sent, or undefined when absent.
 * @throws ApiError INVALID_ARGUMENT when present but malformed
 */
export function parseIdempotencyKey(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value === 'string' && KEY_FORMAT.test(value)) return value;
  throw ApiError.invalidArgument([
    { field: 'idempotency-key', description: 'must be 1 to 255 printable ASCII characters' },
  ]);
}
