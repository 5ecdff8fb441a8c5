import {
  createRemoteJWKSet,
  importSPKI,
  importX509,
  jwtVerify,
  type CryptoKey,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
  type JWTVerifyOptions,
} from 'jose';
import { LRUCache } from 'lru-cache';
import { AuthenticationError } from './auth.errors.js';
import { principalFromClaims, type Principal } from './principal.js';
import { loadOrCreateDevSecret } from './dev-token.js';

/** How tokens are verified. At least one of the three key sources is required. */
export interface JwtVerifierConfig {
  /** Shared secret: accepts HS256 tokens. */
  hs256Secret?: string;
  /** SPKI public key (or X.509 certificate) in PEM: accepts RS256 tokens. */
  publicKeyPem?: string;
  /** JWKS endpoint: accepts RS256 tokens signed by any key it lists (`publicKeyPem` wins if both are set). */
  jwksUrl?: string;
  /** Required `iss`, checked only when set. */
  issuer?: string;
  /** Required `aud`, checked only when set. */
  audience?: string;
  /** Leeway for `exp`/`nbf`, in seconds (default 5). */
  clockToleranceSec?: number;
}

/** Options of {@link JwtVerifier.fromEnv}. */
export interface JwtVerifierEnvOptions {
  /**
   * Zero-install mode: when no key is configured, use (or create) the dev secret file
   * `<devDataDir>/jwt-secret`. Leave unset in production so a missing key fails the start.
   */
  devDataDir?: string;
}

type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey | Uint8Array>;

const DEFAULT_CLOCK_TOLERANCE_SEC = 5;
/**
 * A verified token is remembered for at most this long (and never past its `exp`): a client
 * sends the same bearer token with every request, and the signature check is a measurable share
 * of a CreateOrder's CPU. Short, so a key removed from the JWKS stops being honoured soon.
 */
const VERIFIED_TOKEN_TTL_MS = 60_000;
const VERIFIED_TOKENS_MAX = 10_000;

/** Maps jose failures to safe, token-free messages. */
function toAuthenticationError(err: unknown): AuthenticationError {
  if (err instanceof AuthenticationError) return err;
  const { code, claim } = (err ?? {}) as { code?: string; claim?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new AuthenticationError('token expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return new AuthenticationError(claim ? `token claim '${claim}' invalid` : 'token claims invalid');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new AuthenticationError('token algorithm not allowed');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new AuthenticationError('invalid token signature');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new AuthenticationError('no trusted key for token');
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
      return new AuthenticationError('token keys unavailable');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return new AuthenticationError('malformed token');
    default:
      return new AuthenticationError('invalid token');
  }
}

/**
 * Verifies bearer JWTs (contract section 4) and turns them into a {@link Principal}. The accepted
 * algorithms follow the configured keys only (HS256 for the secret, RS256 for public keys), so
 * `none` and algorithm-confusion tokens are refused.
 */
export class JwtVerifier {
  private readonly secret?: Uint8Array;
  private readonly rsaKey?: Promise<CryptoKey>;
  private readonly jwks?: KeyResolver;
  private readonly options: JWTVerifyOptions;
  private readonly verified = new LRUCache<string, Principal>({ max: VERIFIED_TOKENS_MAX, ttlAutopurge: false });

  constructor(config: JwtVerifierConfig) {
    if (config.hs256Secret) this.secret = new TextEncoder().encode(config.hs256Secret);
    if (config.publicKeyPem) {
      const pem = config.publicKeyPem.trim();
      this.rsaKey = pem.includes('BEGIN CERTIFICATE') ? importX509(pem, 'RS256') : importSPKI(pem, 'RS256');
      // Surfaced by ready() and verify(); without this an early rejection would crash the process.
      this.rsaKey.catch(() => undefined);
    }
    if (config.jwksUrl) this.jwks = createRemoteJWKSet(new URL(config.jwksUrl)) as KeyResolver;
    if (!this.secret && !this.rsaKey && !this.jwks) {
      throw new Error(
        'JWT verification is not configured: set OMS_JWT_SECRET (HS256), OMS_JWT_PUBLIC_KEY or OMS_JWT_JWKS_URL (RS256)',
      );
    }
    const algorithms: string[] = [];
    if (this.secret) algorithms.push('HS256');
    if (this.rsaKey || this.jwks) algorithms.push('RS256');
    this.options = {
      algorithms,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: config.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
      ...(config.issuer ? { issuer: config.issuer } : {}),
      ...(config.audience ? { audience: config.audience } : {}),
    };
  }

  /**
   * Reads `OMS_JWT_SECRET`, `OMS_JWT_PUBLIC_KEY` (PEM; `\n` escapes allowed), `OMS_JWT_JWKS_URL`,
   * `OMS_JWT_ISSUER` and `OMS_JWT_AUDIENCE`. Throws a configuration error when no key source is
   * set, unless `options.devDataDir` allows the zero-install dev secret.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, options: JwtVerifierEnvOptions = {}): JwtVerifier {
    const publicKeyPem = env.OMS_JWT_PUBLIC_KEY?.replaceAll('\\n', '\n') || undefined;
    let hs256Secret = env.OMS_JWT_SECRET || undefined;
    if (!hs256Secret && !publicKeyPem && !env.OMS_JWT_JWKS_URL && options.devDataDir) {
      hs256Secret = loadOrCreateDevSecret(options.devDataDir);
    }
    return new JwtVerifier({
      hs256Secret,
      publicKeyPem,
      jwksUrl: env.OMS_JWT_JWKS_URL || undefined,
      issuer: env.OMS_JWT_ISSUER || undefined,
      audience: env.OMS_JWT_AUDIENCE || undefined,
    });
  }

  /** Resolves once the configured keys are usable; rejects with a clear message otherwise. */
  async ready(): Promise<void> {
    if (!this.rsaKey) return;
    try {
      await this.rsaKey;
    } catch (err) {
      throw new Error(`OMS_JWT_PUBLIC_KEY is not a valid RSA public key PEM: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Verifies `token` (without the `Bearer ` prefix). Throws {@link AuthenticationError}. */
  async verify(token: string): Promise<Principal> {
    const remembered = this.verified.get(token);
    if (remembered) return remembered;
    try {
      const { payload } = await jwtVerify(token, this.resolveKey, this.options);
      const principal = principalFromClaims(payload);
      if (!principal) throw new AuthenticationError("token claim 'sub' invalid");
      // `exp` is required; the entry ends with the token (before its tolerance) or the TTL.
      const ttl = Math.min(VERIFIED_TOKEN_TTL_MS, (payload.exp ?? 0) * 1000 - Date.now());
      if (ttl > 0) this.verified.set(token, principal, { ttl });
      return principal;
    } catch (err) {
      throw toAuthenticationError(err);
    }
  }

  /** Picks the key by the token's `alg`, so a secret can never verify an RS256 token or vice versa. */
  private readonly resolveKey: KeyResolver = async (header, token) => {
    if (header.alg === 'HS256' && this.secret) return this.secret;
    if (header.alg === 'RS256' && this.rsaKey) return this.rsaKey;
    if (header.alg === 'RS256' && this.jwks) return this.jwks(header, token);
    throw new AuthenticationError('token algorithm not allowed');
  };
}
