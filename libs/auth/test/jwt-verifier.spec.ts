import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import { AuthenticationError, JwtVerifier, signDevToken } from '../src/index.js';

const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function expectAuthError(promise: Promise<unknown>, message?: string | RegExp): Promise<AuthenticationError> {
  const err = await promise.then(
    () => {
      throw new Error('expected an AuthenticationError');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthenticationError);
  const authErr = err as AuthenticationError;
  expect(authErr.code).toBe('UNAUTHENTICATED');
  if (message) expect(authErr.message).toMatch(message);
  return authErr;
}

describe('JwtVerifier (HS256)', () => {
  const verifier = new JwtVerifier({ hs256Secret: SECRET });

  it('accepts a valid token and maps claims to a principal', async () => {
    const token = await signDevToken({ sub: 'alice', roles: ['admin', 'service'], email: 'a@b.c', secret: SECRET });
    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'alice',
      roles: ['admin', 'service'],
      email: 'a@b.c',
      isAdmin: true,
      isService: true,
    });
  });

  it('ignores a roles claim that is not an array of strings', async () => {
    const token = await new SignJWT({ roles: ['admin', 7] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bob')
      .setExpirationTime(now() + 60)
      .sign(new TextEncoder().encode(SECRET));
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'bob', roles: [], isAdmin: false });
  });

  it('refuses an expired token without echoing it', async () => {
    const token = await signDevToken({ sub: 'alice', ttlSec: -60, secret: SECRET });
    const err = await expectAuthError(verifier.verify(token), 'token expired');
    expect(err.message).not.toContain(token);
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').sign(new TextEncoder().encode(SECRET));
    await expectAuthError(verifier.verify(token), /'exp'/);
  });

  it('refuses a token without sub', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(now() + 60)
      .sign(new TextEncoder().encode(SECRET));
    await expectAuthError(verifier.verify(token), /'sub'/);
  });

  it("refuses an alg 'none' token", async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'alice', exp: now() + 60, roles: ['admin'] })}.`;
    await expectAuthError(verifier.verify(token));
  });

  it('refuses a token signed with another secret', async () => {
    const token = await signDevToken({ sub: 'alice', secret: 'another-secret-of-sufficient-length-000' });
    await expectAuthError(verifier.verify(token), 'invalid token signature');
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await signDevToken({ sub: 'alice', secret: SECRET })).split('.');
    const forged = `${header}.${b64url({ sub: 'alice', exp: now() + 60, roles: ['admin'] })}.${signature}`;
    await expectAuthError(verifier.verify(forged), 'invalid token signature');
  });

  it('refuses garbage', async () => {
    await expectAuthError(verifier.verify('not-a-jwt'), 'malformed token');
  });

  describe('with issuer and audience configured', () => {
    const strict = new JwtVerifier({ hs256Secret: SECRET, issuer: 'oms-auth', audience: 'oms' });

    it('accepts matching iss and aud', async () => {
      const token = await signDevToken({ sub: 'alice', secret: SECRET, issuer: 'oms-auth', audience: 'oms' });
      await expect(strict.verify(token)).resolves.toMatchObject({ subject: 'alice' });
    });

    it('refuses a wrong audience', async () => {
      const token = await signDevToken({ sub: 'alice', secret: SECRET, issuer: 'oms-auth', audience: 'other' });
      await expectAuthError(strict.verify(token), /'aud'/);
    });

    it('refuses a wrong or missing issuer', async () => {
      const wrong = await signDevToken({ sub: 'alice', secret: SECRET, issuer: 'evil', audience: 'oms' });
      await expectAuthError(strict.verify(wrong), /'iss'/);
      const missing = await signDevToken({ sub: 'alice', secret: SECRET, audience: 'oms' });
      await expectAuthError(strict.verify(missing), /'iss'/);
    });
  });
});

describe('JwtVerifier (RS256)', () => {
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  let publicKeyPem: string;
  let verifier: JwtVerifier;

  const signRs = (key: CryptoKey, claims: object = {}, kid?: string) =>
    new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}) })
      .setSubject('svc-payment')
      .setExpirationTime(now() + 60)
      .sign(key);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    publicKey = pair.publicKey;
    publicKeyPem = await exportSPKI(pair.publicKey);
    verifier = new JwtVerifier({ publicKeyPem });
    await verifier.ready();
  });

  it('accepts a token signed by the private key', async () => {
    const token = await signRs(privateKey, { roles: ['service'] });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'svc-payment', isService: true });
  });

  it('refuses a token signed by another key', async () => {
    const other = await generateKeyPair('RS256');
    await expectAuthError(verifier.verify(await signRs(other.privateKey)), 'invalid token signature');
  });

  it('refuses HS256 tokens, including ones keyed with the public key (algorithm confusion)', async () => {
    const confused = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime(now() + 60)
      .sign(new TextEncoder().encode(publicKeyPem));
    await expectAuthError(verifier.verify(confused), 'token algorithm not allowed');
  });

  it('reads OMS_JWT_PUBLIC_KEY with escaped newlines from the environment', async () => {
    const fromEnv = JwtVerifier.fromEnv({ OMS_JWT_PUBLIC_KEY: publicKeyPem.replaceAll('\n', '\\n') });
    await fromEnv.ready();
    await expect(fromEnv.verify(await signRs(privateKey))).resolves.toMatchObject({ subject: 'svc-payment' });
  });

  it('reports an invalid PEM from ready()', async () => {
    await expect(new JwtVerifier({ publicKeyPem: 'not a pem' }).ready()).rejects.toThrow(/OMS_JWT_PUBLIC_KEY/);
  });

  describe('via JWKS', () => {
    let server: Server;
    let jwksUrl: string;

    beforeAll(async () => {
      const unrelated = await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey);
      const keys = [
        { ...unrelated, kid: 'k0', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' },
      ];
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/jwks.json`;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('accepts a token whose kid is in the key set and refuses an unknown kid', async () => {
      const jwks = new JwtVerifier({ jwksUrl });
      await expect(jwks.verify(await signRs(privateKey, {}, 'k1'))).resolves.toMatchObject({ subject: 'svc-payment' });
      await expectAuthError(jwks.verify(await signRs(privateKey, {}, 'nope')), 'no trusted key for token');
    });
  });
});

describe('JwtVerifier.fromEnv', () => {
  it('fails with a clear message when no key is configured', () => {
    expect(() => JwtVerifier.fromEnv({})).toThrow(/OMS_JWT_SECRET/);
  });

  it('uses OMS_JWT_SECRET', async () => {
    const token = await signDevToken({ sub: 'alice', secret: SECRET });
    await expect(JwtVerifier.fromEnv({ OMS_JWT_SECRET: SECRET }).verify(token)).resolves.toMatchObject({ subject: 'alice' });
  });

  it('falls back to the dev secret file when devDataDir is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-auth-'));
    try {
      const verifier = JwtVerifier.fromEnv({}, { devDataDir: join(dir, 'data') });
      const secret = readFileSync(join(dir, 'data', 'jwt-secret'), 'utf8').trim();
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(join(dir, 'data', 'jwt-secret')).mode & 0o777).toBe(0o600);
      await expect(verifier.verify(await signDevToken({ sub: 'alice', secret }))).resolves.toMatchObject({ subject: 'alice' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
