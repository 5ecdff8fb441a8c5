import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { AuthenticationError } from './auth.errors.js';
import { signDevToken } from './dev-token.js';
import { JwtVerifier } from './jwt-verifier.js';

const SECRET = 'unit-test-secret-with-enough-entropy-0123';
const now = (): number => Math.floor(Date.now() / 1000);
const segment = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function hs256(claims: JWTPayload, secret: string | Uint8Array = SECRET): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
}

function rs256(claims: JWTPayload, key: CryptoKey, kid?: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(kid && { kid }) }).sign(key);
}

const valid = (extra: JWTPayload = {}): JWTPayload => ({ sub: 'alice', exp: now() + 600, iat: now(), ...extra });

/** Verifies and returns the refusal's message, failing the test if the token was accepted. */
async function refusal(verifier: JwtVerifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe('UNAUTHENTICATED');
    // Never echoes the token (or a part of it) back.
    for (const part of token.split('.').filter((p) => p.length > 8)) expect((error as Error).message).not.toContain(part);
    return (error as Error).message;
  }
  throw new Error('the token was accepted');
}

let rsa: { publicKey: CryptoKey; privateKey: CryptoKey };
let otherRsa: { publicKey: CryptoKey; privateKey: CryptoKey };
let publicPem: string;
let jwks: Server;
let jwksUrl: string;
let jwksRequests = 0;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  otherRsa = await generateKeyPair('RS256', { extractable: true });
  publicPem = await exportSPKI(rsa.publicKey);
  const jwk = { ...(await exportJWK(rsa.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((req, res) => {
    jwksRequests++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
});

afterAll(async () => {
  await new Promise((resolve) => jwks.close(resolve));
});

describe('JwtVerifier: HS256 (OMS_JWT_SECRET)', () => {
  const verifier = new JwtVerifier({ hs256Secret: SECRET });

  it('accepts a token signed with the secret and reads sub, roles and email', async () => {
    const principal = await verifier.verify(await hs256(valid({ roles: ['admin'], email: 'a@example.com' })));
    expect(principal).toEqual({ subject: 'alice', roles: ['admin'], email: 'a@example.com', isAdmin: true, isService: false });
  });

  it('refuses a token signed with another secret, or tampered with', async () => {
    expect(await refusal(verifier, await hs256(valid(), 'another-secret-of-the-same-length-012345'))).toBe('invalid token signature');
    const token = await hs256(valid());
    const [header, , signature] = token.split('.');
    expect(await refusal(verifier, `${header}.${segment(valid({ roles: ['admin'] }))}.${signature}`)).toBe('invalid token signature');
  });

  it('refuses alg "none" (unsigned), with or without a signature part', async () => {
    const unsigned = `${segment({ alg: 'none', typ: 'JWT' })}.${segment(valid({ roles: ['admin'] }))}`;
    expect(await refusal(verifier, `${unsigned}.`)).toBe('token algorithm not allowed');
    expect(await refusal(verifier, unsigned)).toBe('malformed token');
    expect(await refusal(verifier, `${segment({ alg: 'NONE' })}.${segment(valid())}.`)).toBe('token algorithm not allowed');
  });

  it('refuses an RS256 token when only the secret is configured', async () => {
    expect(await refusal(verifier, await rs256(valid(), rsa.privateKey))).toBe('token algorithm not allowed');
  });

  it('refuses other HMAC strengths (HS384, HS512) signed with the same secret', async () => {
    const key = new TextEncoder().encode(SECRET);
    for (const alg of ['HS384', 'HS512']) {
      const token = await new SignJWT(valid()).setProtectedHeader({ alg }).sign(key);
      expect(await refusal(verifier, token)).toBe('token algorithm not allowed');
    }
  });

  it('refuses an expired token (beyond the 5 s leeway), and accepts one within it', async () => {
    expect(await refusal(verifier, await hs256(valid({ exp: now() - 60 })))).toBe('token expired');
    await expect(verifier.verify(await hs256(valid({ exp: now() - 2 })))).resolves.toMatchObject({ subject: 'alice' });
  });

  it('a token verified once is refused again once it expires (the verified-token cache ends with exp)', async () => {
    const strict = new JwtVerifier({ hs256Secret: SECRET, clockToleranceSec: 0 });
    const token = await hs256(valid({ exp: now() + 1 }));
    expect((await strict.verify(token)).subject).toBe('alice');
    expect((await strict.verify(token)).subject).toBe('alice');
    await new Promise((resolve) => setTimeout(resolve, 1_100 + (1000 - (Date.now() % 1000))));
    expect(await refusal(strict, token)).toBe('token expired');
  });

  it('refuses a token not valid yet (nbf in the future)', async () => {
    expect(await refusal(verifier, await hs256(valid({ nbf: now() + 600 })))).toBe("token claim 'nbf' invalid");
  });

  it('refuses a token without exp', async () => {
    const { exp: _exp, ...claims } = valid();
    expect(await refusal(verifier, await hs256(claims))).toBe("token claim 'exp' invalid");
  });

  it('refuses a token without sub, with an empty sub or a non-string sub', async () => {
    const { sub: _sub, ...claims } = valid();
    expect(await refusal(verifier, await hs256(claims))).toBe("token claim 'sub' invalid");
    expect(await refusal(verifier, await hs256(valid({ sub: '' })))).toBe("token claim 'sub' invalid");
    expect(await refusal(verifier, await hs256({ ...valid(), sub: 42 } as unknown as JWTPayload))).toMatch(/sub|claims|invalid/);
  });

  it('a roles claim that is not a list of strings grants nothing', async () => {
    await expect(verifier.verify(await hs256(valid({ roles: 'admin' })))).resolves.toMatchObject({ roles: [], isAdmin: false });
    await expect(verifier.verify(await hs256(valid({ roles: ['admin', 7] })))).resolves.toMatchObject({ roles: [], isAdmin: false });
  });

  it('refuses garbage', async () => {
    for (const token of ['garbage', 'a.b.c', '..', `${segment({ alg: 'HS256' })}.not-json.sig`]) {
      expect(await refusal(verifier, token)).toMatch(/malformed token|invalid token/);
    }
  });
});

describe('JwtVerifier: iss and aud (OMS_JWT_ISSUER, OMS_JWT_AUDIENCE)', () => {
  const verifier = new JwtVerifier({ hs256Secret: SECRET, issuer: 'https://id.example.com', audience: 'oms' });

  it('accepts the configured issuer and audience', async () => {
    await expect(verifier.verify(await hs256(valid({ iss: 'https://id.example.com', aud: ['other', 'oms'] })))).resolves.toMatchObject({ subject: 'alice' });
  });

  it('refuses a wrong or missing issuer', async () => {
    expect(await refusal(verifier, await hs256(valid({ iss: 'https://evil.example.com', aud: 'oms' })))).toBe("token claim 'iss' invalid");
    expect(await refusal(verifier, await hs256(valid({ aud: 'oms' })))).toBe("token claim 'iss' invalid");
  });

  it('refuses a wrong or missing audience', async () => {
    expect(await refusal(verifier, await hs256(valid({ iss: 'https://id.example.com', aud: 'billing' })))).toBe("token claim 'aud' invalid");
    expect(await refusal(verifier, await hs256(valid({ iss: 'https://id.example.com' })))).toBe("token claim 'aud' invalid");
  });

  it('without OMS_JWT_ISSUER / OMS_JWT_AUDIENCE neither is checked', async () => {
    const lax = new JwtVerifier({ hs256Secret: SECRET });
    await expect(lax.verify(await hs256(valid({ iss: 'anyone', aud: 'anything' })))).resolves.toMatchObject({ subject: 'alice' });
  });
});

describe('JwtVerifier: RS256 by public key (OMS_JWT_PUBLIC_KEY)', () => {
  let verifier: JwtVerifier;
  beforeAll(async () => {
    verifier = new JwtVerifier({ publicKeyPem: publicPem });
    await verifier.ready();
  });

  it('accepts a token signed with the private key', async () => {
    await expect(verifier.verify(await rs256(valid({ roles: ['service'] }), rsa.privateKey))).resolves.toMatchObject({ subject: 'alice', isService: true });
  });

  it('refuses a token signed by another key', async () => {
    expect(await refusal(verifier, await rs256(valid(), otherRsa.privateKey))).toBe('invalid token signature');
  });

  it('algorithm confusion: an HS256 token keyed with the public key PEM (or anything else) is refused', async () => {
    expect(await refusal(verifier, await hs256(valid({ roles: ['admin'] }), new TextEncoder().encode(publicPem)))).toBe('token algorithm not allowed');
    expect(await refusal(verifier, await hs256(valid({ roles: ['admin'] }), SECRET))).toBe('token algorithm not allowed');
  });

  it('refuses alg none and an expired RS256 token', async () => {
    expect(await refusal(verifier, `${segment({ alg: 'none' })}.${segment(valid())}.`)).toBe('token algorithm not allowed');
    expect(await refusal(verifier, await rs256(valid({ exp: now() - 60 }), rsa.privateKey))).toBe('token expired');
  });

  it('fails the start with a clear message on a PEM that is no key', async () => {
    await expect(new JwtVerifier({ publicKeyPem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }).ready()).rejects.toThrow(/OMS_JWT_PUBLIC_KEY is not a valid RSA public key PEM/);
  });
});

describe('JwtVerifier: RS256 by JWKS (OMS_JWT_JWKS_URL), served on loopback', () => {
  let verifier: JwtVerifier;
  beforeAll(() => {
    verifier = JwtVerifier.fromEnv({ OMS_JWT_JWKS_URL: jwksUrl, OMS_JWT_AUDIENCE: 'oms' });
  });

  it('accepts a token signed by the key the JWKS lists (by kid), fetching the set once', async () => {
    const before = jwksRequests;
    await expect(verifier.verify(await rs256(valid({ aud: 'oms' }), rsa.privateKey, 'k1'))).resolves.toMatchObject({ subject: 'alice' });
    await expect(verifier.verify(await rs256(valid({ aud: 'oms', sub: 'bob' }), rsa.privateKey, 'k1'))).resolves.toMatchObject({ subject: 'bob' });
    expect(jwksRequests - before).toBe(1);
  });

  it('refuses a token of a key the JWKS does not list, or with a wrong audience', async () => {
    expect(await refusal(verifier, await rs256(valid({ aud: 'oms' }), otherRsa.privateKey, 'k2'))).toBe('no trusted key for token');
    expect(await refusal(verifier, await rs256(valid({ aud: 'oms' }), otherRsa.privateKey, 'k1'))).toBe('invalid token signature');
    expect(await refusal(verifier, await rs256(valid({ aud: 'elsewhere' }), rsa.privateKey, 'k1'))).toBe("token claim 'aud' invalid");
  });

  it('algorithm confusion: HS256 tokens are refused when only a JWKS is configured', async () => {
    const jwkText = JSON.stringify(await exportJWK(rsa.publicKey));
    expect(await refusal(verifier, await hs256(valid({ aud: 'oms' }), new TextEncoder().encode(jwkText)))).toBe('token algorithm not allowed');
    expect(await refusal(verifier, await hs256(valid({ aud: 'oms' }), new TextEncoder().encode(publicPem)))).toBe('token algorithm not allowed');
  });

  it('refuses alg none, a missing exp and a missing sub', async () => {
    expect(await refusal(verifier, `${segment({ alg: 'none', kid: 'k1' })}.${segment(valid({ aud: 'oms' }))}.`)).toBe('token algorithm not allowed');
    const { exp: _exp, ...noExp } = valid({ aud: 'oms' });
    expect(await refusal(verifier, await rs256(noExp, rsa.privateKey, 'k1'))).toBe("token claim 'exp' invalid");
    const { sub: _sub, ...noSub } = valid({ aud: 'oms' });
    expect(await refusal(verifier, await rs256(noSub, rsa.privateKey, 'k1'))).toBe("token claim 'sub' invalid");
  });

  it('an unreachable JWKS refuses tokens (UNAUTHENTICATED), it does not fail open', async () => {
    const down = new JwtVerifier({ jwksUrl: 'http://127.0.0.1:9/jwks.json' });
    expect(await refusal(down, await rs256(valid(), rsa.privateKey, 'k1'))).toMatch(/invalid token|token keys unavailable/);
  });
});

describe('JwtVerifier.fromEnv', () => {
  it('refuses to start without any key source', () => {
    expect(() => JwtVerifier.fromEnv({})).toThrow(/OMS_JWT_SECRET.*OMS_JWT_PUBLIC_KEY.*OMS_JWT_JWKS_URL/);
  });

  it('uses OMS_JWT_SECRET, and a dev token signed with it', async () => {
    const token = await signDevToken({ sub: 'alice', secret: SECRET });
    await expect(JwtVerifier.fromEnv({ OMS_JWT_SECRET: SECRET }).verify(token)).resolves.toMatchObject({ subject: 'alice' });
  });

  it('falls back to the dev secret file (mode 0600) only when devDataDir is given', async () => {
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

  it('reads a PEM with \\n escapes', async () => {
    const verifier = JwtVerifier.fromEnv({ OMS_JWT_PUBLIC_KEY: publicPem.replaceAll('\n', '\\n') });
    await verifier.ready();
    await expect(verifier.verify(await rs256(valid(), rsa.privateKey))).resolves.toMatchObject({ subject: 'alice' });
  });
});
