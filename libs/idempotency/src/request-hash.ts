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
 * Fingerprint of a command: its type and fields, canonicalised with RFC 8785 (JCS), SHA-256.
 * Both ports build the same command from the same request, so the hash is port-neutral.
 */
export function requestHash(command: object): string {
  const text = canonicalize({ type: command.constructor.name, fields: plain(command) }) ?? '';
  return createHash('sha256').update(text).digest('hex');
}
