import { createHmac, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ApiError } from '#libs/errors';

/** OMS_SIGNING_SECRET, the HMAC key of legacy signed requests; `undefined` when not configured. */
export class LegacySigningKey {
  constructor(readonly secret: string | undefined) {}
}

const SIGNATURE = /^[0-9a-f]{64}$/;

/**
 * The signature of a legacy request body (CONTRACT section 4): lowercase hex HMAC-SHA256, keyed by
 * OMS_SIGNING_SECRET, over the RFC 8785 (JCS) canonical JSON of the body without its `signature`.
 * @throws Error when the body has no JSON form (a non-finite number, a lone surrogate)
 */
export function signLegacyBody(body: Readonly<Record<string, unknown>>, secret: string): string {
  const { signature: _ignored, ...signed } = body;
  const canonical = canonicalize(signed);
  if (canonical === undefined) throw new Error('the body has no canonical JSON form');
  return createHmac('sha256', secret).update(canonical, 'utf8').digest('hex');
}

/**
 * Checks the body's `signature` in constant time.
 * @returns the signature, when it is right
 * @throws ApiError UNAUTHENTICATED when it is missing, malformed or wrong; UNAVAILABLE without a key
 */
export function verifyLegacySignature(body: Readonly<Record<string, unknown>>, key: LegacySigningKey): string {
  if (!key.secret) {
    throw new ApiError('UNAVAILABLE', 'signed legacy requests are not enabled on this server (OMS_SIGNING_SECRET is not set)');
  }
  const given = body.signature;
  if (given === undefined || given === null || given === '') {
    throw new ApiError('UNAUTHENTICATED', 'signature is required: HMAC-SHA256 (lowercase hex) of the JCS-canonical body without "signature"', 'SIGNATURE_MISSING');
  }
  if (typeof given !== 'string' || !SIGNATURE.test(given)) {
    throw new ApiError('UNAUTHENTICATED', 'signature must be 64 lowercase hexadecimal characters (HMAC-SHA256)', 'SIGNATURE_INVALID');
  }
  let expected: string;
  try {
    expected = signLegacyBody(body, key.secret);
  } catch {
    throw new ApiError('UNAUTHENTICATED', 'signature does not match the request body', 'SIGNATURE_INVALID');
  }
  if (!timingSafeEqual(Buffer.from(given, 'utf8'), Buffer.from(expected, 'utf8'))) {
    throw new ApiError('UNAUTHENTICATED', 'signature does not match the request body', 'SIGNATURE_INVALID');
  }
  return given;
}
