import type { JWTPayload } from 'jose';

/** Role that may call internal services (section 4 of the contract). */
export const SERVICE_ROLE = 'service';
/** Role that passes every role check and may act on any customer's orders. */
export const ADMIN_ROLE = 'admin';

/** The authenticated caller, derived from a verified JWT. */
export interface Principal {
  /** JWT `sub`: the customer id (or the calling service's name). */
  subject: string;
  /** JWT `roles` when it is an array of strings, else empty. */
  roles: string[];
  /** JWT `email` when it is a string. */
  email?: string;
  /** Has the `admin` role. */
  isAdmin: boolean;
  /** Has the `service` role. */
  isService: boolean;
}

/** Builds a {@link Principal} from verified claims; `null` when `sub` is not a non-empty string. */
export function principalFromClaims(claims: JWTPayload): Principal | null {
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) return null;
  const raw: unknown = claims.roles;
  // A malformed roles claim grants nothing rather than failing the whole token.
  const roles = Array.isArray(raw) && raw.every((r) => typeof r === 'string') ? [...(raw as string[])] : [];
  const principal: Principal = {
    subject: claims.sub,
    roles,
    isAdmin: roles.includes(ADMIN_ROLE),
    isService: roles.includes(SERVICE_ROLE),
  };
  if (typeof claims.email === 'string') principal.email = claims.email;
  return principal;
}
