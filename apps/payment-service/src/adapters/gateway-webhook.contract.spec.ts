import { signCallback, SIGNATURE_TOLERANCE_SECONDS, verifyCallbackSignature } from './gateway-webhook.contract.js';

const SECRET = 'webhook-secret';
const BODY = Buffer.from('{"id":"cb-1","succeeded":true}');
const NOW = 1_900_000_000;

describe('gateway webhook signatures', () => {
  it('accepts what it signed, within the tolerance either way', () => {
    expect(verifyCallbackSignature(SECRET, BODY, signCallback(SECRET, BODY, NOW), NOW)).toBeNull();
    expect(verifyCallbackSignature(SECRET, BODY, signCallback(SECRET, BODY, NOW - SIGNATURE_TOLERANCE_SECONDS), NOW)).toBeNull();
    expect(verifyCallbackSignature(SECRET, BODY, signCallback(SECRET, BODY.toString(), NOW + 60), NOW)).toBeNull();
  });

  it.each([
    ['no header', undefined, 'missing'],
    ['garbage', 'sha256=abc', 'malformed'],
    ['a short mac', `t=${NOW},v1=abcd`, 'malformed'],
    ['another secret', signCallback('other', BODY, NOW), 'mismatch'],
    ['another body', signCallback(SECRET, '{"id":"cb-1","succeeded":false}', NOW), 'mismatch'],
    ['a moved timestamp', signCallback(SECRET, BODY, NOW).replace(`t=${NOW}`, `t=${NOW + 1}`), 'mismatch'],
    ['an old one', signCallback(SECRET, BODY, NOW - SIGNATURE_TOLERANCE_SECONDS - 1), 'stale'],
    ['one from the future', signCallback(SECRET, BODY, NOW + SIGNATURE_TOLERANCE_SECONDS + 1), 'stale'],
  ])('refuses %s', (_, header, problem) => {
    expect(verifyCallbackSignature(SECRET, BODY, header, NOW)).toBe(problem);
  });
});
