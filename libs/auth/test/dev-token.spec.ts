import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { devSecretPath, loadOrCreateDevSecret, readDevSecret, signDevToken } from '../src/index.js';

describe('dev secret and dev tokens', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oms-devtoken-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a 32-byte hex secret with mode 0600 once, then reads it back', () => {
    const dataDir = join(dir, 'nested', 'data');
    expect(readDevSecret(dataDir)).toBeUndefined();
    const secret = loadOrCreateDevSecret(dataDir);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(devSecretPath(dataDir)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateDevSecret(dataDir)).toBe(secret);
    expect(readDevSecret(dataDir)).toBe(secret);
  });

  it('refuses an empty secret file instead of signing with an empty key', () => {
    writeFileSync(devSecretPath(dir), '\n');
    expect(() => loadOrCreateDevSecret(dir)).toThrow(/is empty/);
  });

  it('signs an HS256 token with the requested claims and lifetime', async () => {
    const token = await signDevToken({ sub: 'alice', roles: ['admin'], email: 'a@b.c', ttlSec: 120, secret: 's' });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'alice', roles: ['admin'], email: 'a@b.c' });
    expect(claims.exp! - claims.iat!).toBe(120);
  });
});
