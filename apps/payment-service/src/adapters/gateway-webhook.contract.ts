import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The simulated gateway's webhook protocol, shared by the party that signs (the simulator in
 * adapters/out/gateway) and the one that verifies (the callback endpoint in adapters/in/rest), as
 * a real gateway's SDK would be shared. Stripe-style: `x-gateway-signature: t=<unix seconds>,v1=<hex>`
 * where v1 = HMAC-SHA256(secret, `${t}.${raw body}`).
 */
export const GATEWAY_CALLBACK_PATH = '/internal/gateway/callbacks';
/** A content type of its own, so the endpoint receives the exact bytes that were signed. */
export const GATEWAY_CALLBACK_CONTENT_TYPE = 'application/vnd.oms.gateway-callback+json';
export const GATEWAY_SIGNATURE_HEADER = 'x-gateway-signature';
/** A callback signed longer ago than this (or this far in the future) is refused as stale. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The body of a callback: the outcome of one operation the gateway had accepted. */
export interface GatewayCallbackBody {
  /** The same on every delivery of this callback: the receiver dedupes by it. */
  readonly id: string;
  readonly createdAt: string;
  readonly paymentId: string;
  readonly orderId: string;
  readonly operation: 'hold' | 'capture' | 'void' | 'refund';
  readonly succeeded: boolean;
  readonly failureReason: string;
  readonly transactionId: string;
  readonly amount: { readonly currency: string; readonly amountMinor: string };
  /** The requester's correlation id, echoed back (inside the signature, so it cannot be forged). */
  readonly correlationId: string;
}

function mac(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The signature header value for `rawBody` sent at `timestamp` (unix seconds). */
export function signCallback(secret: string, rawBody: string | Buffer, timestamp: number): string {
  return `t=${timestamp},v1=${mac(secret, timestamp, rawBody)}`;
}

/** Why a callback's signature was refused; `null` when it is valid. */
export type SignatureProblem = 'missing' | 'malformed' | 'mismatch' | 'stale';

/** Checks the signature header of `rawBody` against `secret` at `now` (unix seconds). */
export function verifyCallbackSignature(secret: string, rawBody: Buffer, header: string | undefined, now: number): SignatureProblem | null {
  if (!header) return 'missing';
  const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isSafeInteger(timestamp) || !/^[0-9a-f]{64}$/.test(given)) return 'malformed';
  const expected = Buffer.from(mac(secret, timestamp, rawBody), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return 'mismatch';
  // Checked after the MAC, so the timestamp itself is known to be the signer's.
  if (Math.abs(now - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return 'stale';
  return null;
}
