import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';

/** Where the zero-install mode keeps its HS256 secret: `<dataDir>/jwt-secret`. */
export function devSecretPath(dataDir: string): string {
  return join(dataDir, 'jwt-secret');
}

/** The dev secret in `<dataDir>/jwt-secret`, or `undefined` when the file does not exist. */
export function readDevSecret(dataDir: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(devSecretPath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const secret = text.trim();
  if (!secret) throw new Error(`${devSecretPath(dataDir)} is empty: delete it to have a new secret generated`);
  return secret;
}

/**
 * Reads the dev secret, creating it first (32 random bytes as hex, mode 0600) when missing. Used
 * by the zero-install mode so the server and `dev-token` agree on a secret without configuration.
 */
export function loadOrCreateDevSecret(dataDir: string): string {
  const existing = readDevSecret(dataDir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  try {
    // 'wx' so that of two processes starting together, one creates and the other reads.
    writeFileSync(devSecretPath(dataDir), `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readDevSecret(dataDir) ?? secret;
    throw err;
  }
}

/** Claims and key of a development token. */
export interface DevTokenOptions {
  /** `sub`: the customer id (or service name). */
  sub: string;
  /** `roles`, e.g. `['admin']` or `['service']`; omitted when empty. */
  roles?: string[];
  email?: string;
  /** Lifetime in seconds (default 3600; negative gives an expired token). */
  ttlSec?: number;
  /** HS256 secret (`OMS_JWT_SECRET` or the dev secret file). */
  secret: string;
  /** `iss`, needed when the server sets `OMS_JWT_ISSUER`. */
  issuer?: string;
  /** `aud`, needed when the server sets `OMS_JWT_AUDIENCE`. */
  audience?: string;
}

/** Signs an HS256 JWT accepted by a `JwtVerifier` configured with the same secret. */
export async function signDevToken(options: DevTokenOptions): Promise<string> {
  const claims: Record<string, unknown> = {};
  if (options.roles?.length) claims.roles = options.roles;
  if (options.email) claims.email = options.email;
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt(now)
    // Absolute, so a negative ttl gives an already-expired token (useful in tests).
    .setExpirationTime(now + (options.ttlSec ?? 3600));
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
