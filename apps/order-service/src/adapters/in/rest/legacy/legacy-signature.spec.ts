import { createHmac } from 'node:crypto';
import { ApiError } from '#libs/errors';
import { LegacySigningKey, signLegacyBody, verifyLegacySignature } from './legacy-signature.js';

const SECRET = 'unit-test-signing-secret';
const KEY = new LegacySigningKey(SECRET);
const BODY = { userId: '123456', token: 'jwt', orderAmount: 100.5, items: [{ productId: 'P001', quantity: 2 }] };

function refusal(body: Record<string, unknown>, key = KEY): ApiError {
  try {
    verifyLegacySignature(body, key);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the signature to be refused');
}

describe('legacy signatures', () => {
  it('are HMAC-SHA256 (lowercase hex) of the RFC 8785 canonical body without its signature', () => {
    // JCS: keys sorted by code unit, no whitespace, numbers in their shortest form (100.50 -> 100.5).
    const canonical = '{"items":[{"productId":"P001","quantity":2}],"orderAmount":100.5,"token":"jwt","userId":"123456"}';
    const expected = createHmac('sha256', SECRET).update(canonical).digest('hex');
    expect(signLegacyBody(BODY, SECRET)).toBe(expected);
    expect(signLegacyBody({ ...BODY, signature: 'anything' }, SECRET)).toBe(expected);
    expect(signLegacyBody({ orderAmount: 100.5, userId: '123456', token: 'jwt', items: BODY.items }, SECRET)).toBe(expected);
  });

  it('accept the right signature and return it', () => {
    const signature = signLegacyBody(BODY, SECRET);
    expect(verifyLegacySignature({ ...BODY, signature }, KEY)).toBe(signature);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['missing', BODY, 'SIGNATURE_MISSING'],
    ['empty', { ...BODY, signature: '' }, 'SIGNATURE_MISSING'],
    ['not hex', { ...BODY, signature: 'z'.repeat(64) }, 'SIGNATURE_INVALID'],
    ['upper case', { ...BODY, signature: signLegacyBody(BODY, SECRET).toUpperCase() }, 'SIGNATURE_INVALID'],
    ['a number', { ...BODY, signature: 42 }, 'SIGNATURE_INVALID'],
    ['of another key', { ...BODY, signature: signLegacyBody(BODY, 'another-secret') }, 'SIGNATURE_INVALID'],
    ['of another body', { ...BODY, orderAmount: 1, signature: signLegacyBody(BODY, SECRET) }, 'SIGNATURE_INVALID'],
  ])('refuse a signature that is %s: UNAUTHENTICATED', (_case, body, reason) => {
    expect(refusal(body)).toMatchObject({ status: 'UNAUTHENTICATED', reason });
  });

  it('are refused as unavailable when no key is configured', () => {
    expect(refusal({ ...BODY, signature: 'a'.repeat(64) }, new LegacySigningKey(undefined))).toMatchObject({ status: 'UNAVAILABLE' });
  });
});
