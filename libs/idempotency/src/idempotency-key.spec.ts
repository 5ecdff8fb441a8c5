import { ApiError } from '#libs/errors';
import { parseIdempotencyKey } from './idempotency-key.js';

function rejectionOf(raw: unknown): ApiError {
  try {
    parseIdempotencyKey(raw);
  } catch (error) {
    return error as ApiError;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe('parseIdempotencyKey', () => {
  it('is undefined when the key is absent', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey(null)).toBeUndefined();
  });

  it.each([
    ['one character', 'k'],
    ['255 characters', 'k'.repeat(255)],
    ['a UUID', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['spaces and every printable ASCII punctuation', ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ '],
  ])('accepts %s, as sent', (_label, key) => {
    expect(parseIdempotencyKey(key)).toBe(key);
  });

  it('takes the first value of a repeated header', () => {
    expect(parseIdempotencyKey(['first', 'second'])).toBe('first');
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a newline', 'abc\ndef'],
    ['a tab', 'abc\tdef'],
    ['a NUL', 'abc\u0000'],
    ['DEL', 'abc\u007f'],
    ['non-ASCII (é)', 'clé'],
    ['an emoji', 'key-🔑'],
    ['a number', 12345],
    ['a Buffer', Buffer.from('key')],
    ['an empty array', []],
    ['an array of a bad value', ['']],
  ])('rejects %s with INVALID_ARGUMENT on the idempotency-key field', (_label, raw) => {
    const error = rejectionOf(raw);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe('INVALID_ARGUMENT');
    expect(error.fieldViolations).toHaveLength(1);
    expect(error.fieldViolations[0]!.field).toBe('idempotency-key');
    expect(error.fieldViolations[0]!.description).toMatch(/1 to 255/);
  });

  it('does not echo the offending key in the error', () => {
    const secretish = 'x'.repeat(300);
    const error = rejectionOf(secretish);
    expect(error.message).not.toContain(secretish);
  });
});
