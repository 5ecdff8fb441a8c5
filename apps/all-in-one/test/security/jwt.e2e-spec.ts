import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { expectAip193, hs256Token, SecurityApp, unsignedToken } from './support.js';

/**
 * JWT at the edge of the running system (CONTRACT section 4), on both ports: every refused token
 * is REST 401 with an AIP-193 body and gRPC UNAUTHENTICATED. Two deployments: the zero-install
 * HS256 one (OMS_JWT_SECRET) and a production-like RS256 one that trusts only a JWKS served on
 * loopback and checks OMS_JWT_ISSUER / OMS_JWT_AUDIENCE. The verifier's unit spec covers each rule
 * in detail (libs/auth/src/jwt-verifier.spec.ts).
 */
const now = (): number => Math.floor(Date.now() / 1000);

async function expectRefusedOnBothPorts(app: SecurityApp, token: string | undefined, what: string): Promise<void> {
  const rest = await app.rest('GET', '/v1/orders', { token });
  expectAip193(rest, 401, 'UNAUTHENTICATED');
  expect(rest.json.error.details[0]).toMatchObject({ reason: 'UNAUTHENTICATED', domain: 'oms.v1' });
  const grpc = await app.grpc('OrderService', 'ListOrders', {}, { token });
  expect({ what, status: grpc.status, reason: grpc.reason }).toEqual({ what, status: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' });
}

describe('HS256 (OMS_JWT_SECRET)', () => {
  let app: SecurityApp;
  beforeAll(async () => {
    app = await SecurityApp.start();
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('a valid token is accepted on both ports', async () => {
    const token = await app.token('alice');
    expect((await app.rest('GET', '/v1/orders', { token })).status).toBe(200);
    expect((await app.grpc('OrderService', 'ListOrders', {}, { token })).status).toBe('OK');
  });

  it.each<[string, () => Promise<string | undefined>]>([
    ['no token', async () => undefined],
    ['garbage', async () => 'garbage'],
    ['alg none', async () => unsignedToken('alice', ['admin'])],
    ['another secret', () => hs256Token({ sub: 'alice', exp: now() + 600 }, 'a-different-secret-of-enough-length-0123')],
    ['expired', () => hs256Token({ sub: 'alice', exp: now() - 60 })],
    ['no exp', () => hs256Token({ sub: 'alice' })],
    ['no sub', () => hs256Token({ exp: now() + 600, roles: ['admin'] })],
    ['empty sub', () => hs256Token({ sub: '', exp: now() + 600 })],
    ['not valid yet', () => hs256Token({ sub: 'alice', exp: now() + 1200, nbf: now() + 600 })],
  ])('%s: REST 401 AIP-193, gRPC UNAUTHENTICATED', async (what, make) => {
    await expectRefusedOnBothPorts(app, await make(), what);
  });
});

describe('RS256 by JWKS only, with issuer and audience (production-like)', () => {
  let app: SecurityApp;
  let jwks: Server;
  let key: { publicKey: CryptoKey; privateKey: CryptoKey };
  let stranger: { publicKey: CryptoKey; privateKey: CryptoKey };
  const ISSUER = 'https://id.oms.example';
  const AUDIENCE = 'oms-api';

  const rs256 = (claims: JWTPayload, signer = key.privateKey, kid = 'k1'): Promise<string> =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(signer);
  const good = (extra: JWTPayload = {}): JWTPayload => ({ sub: 'alice', exp: now() + 600, iss: ISSUER, aud: AUDIENCE, ...extra });

  beforeAll(async () => {
    key = await generateKeyPair('RS256', { extractable: true });
    stranger = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    app = await SecurityApp.start({
      withoutJwtSecret: true,
      env: {
        OMS_JWT_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
        OMS_JWT_ISSUER: ISSUER,
        OMS_JWT_AUDIENCE: AUDIENCE,
        OMS_PAGE_TOKEN_SECRET: 'page-token-secret-for-the-rs256-test',
        OMS_GATEWAY_WEBHOOK_SECRET: 'webhook-secret-for-the-rs256-test',
        OMS_SIGNING_SECRET: 'signing-secret-for-the-rs256-test',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  it('a token signed by the JWKS key, from the issuer, for the audience, is accepted on both ports', async () => {
    const token = await rs256(good());
    expect((await app.rest('GET', '/v1/orders', { token })).status).toBe(200);
    expect((await app.grpc('OrderService', 'ListOrders', {}, { token })).status).toBe('OK');
  });

  it.each<[string, () => Promise<string>]>([
    ['HS256 keyed with the public key PEM (algorithm confusion)', async () => new SignJWT(good({ roles: ['admin'] })).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(await exportSPKI(key.publicKey)))],
    ['HS256 keyed with the old development secret', () => hs256Token(good({ roles: ['admin'] }))],
    ['alg none', async () => unsignedToken('alice', ['admin'])],
    ['a key the JWKS does not list', () => rs256(good(), stranger.privateKey, 'k9')],
    ['another key claiming kid k1', () => rs256(good(), stranger.privateKey, 'k1')],
    ['a wrong issuer', () => rs256(good({ iss: 'https://evil.example' }))],
    ['no issuer', () => rs256({ sub: 'alice', exp: now() + 600, aud: AUDIENCE })],
    ['a wrong audience', () => rs256(good({ aud: 'billing' }))],
    ['no audience', () => rs256({ sub: 'alice', exp: now() + 600, iss: ISSUER })],
    ['expired', () => rs256(good({ exp: now() - 60 }))],
    ['no exp', () => rs256({ sub: 'alice', iss: ISSUER, aud: AUDIENCE })],
    ['no sub', () => rs256({ exp: now() + 600, iss: ISSUER, aud: AUDIENCE })],
  ])('%s: REST 401 AIP-193, gRPC UNAUTHENTICATED', async (what, make) => {
    await expectRefusedOnBothPorts(app, await make(), what);
  });
});
