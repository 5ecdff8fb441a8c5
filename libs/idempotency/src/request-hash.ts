import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** JSON-safe copy: bigint as its decimal string, class instances as plain objects. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

/**
 * A command that carries secrets (card data) says what identifies it instead of its raw fields, so
 * no hash of a secret is ever stored.
 */
export interface HasIdempotencyFingerprint {
  idempotencyFingerprint(): object;
}

function fingerprintOf(command: object): object {
  const custom = (command as Partial<HasIdempotencyFingerprint>).idempotencyFingerprint;
  return typeof custom === 'function' ? custom.call(command) : command;
}

/**
 * Fingerprint of a command: its type and fields (or its own fingerprint), canonicalised with
 * RFC 8785 (JCS), SHA-256. Both ports build the same command from the same request, so the hash is
 * port-neutral.
 */
export function requestHash(command: object): string {
  const text = canonicalize({ type: command.constructor.name, fields: plain(fingerprintOf(command)) }) ?? '';
  return createHash('sha256').update(text).digest('hex');
}
