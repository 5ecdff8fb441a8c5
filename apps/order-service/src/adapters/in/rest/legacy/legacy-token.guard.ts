import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthenticationError, JwtVerifier, type Principal } from '#libs/auth';
import { seedRequestContext } from '#libs/observability';

// RFC 6750 b64token after a case-insensitive scheme, as the global guard reads it.
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

interface LegacyRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body?: unknown;
  principal?: Principal;
}

/**
 * Authentication of `POST /api/orders/create` (a `@Public()` route to the global guard): the seed
 * puts the JWT in the body's `token`; an `Authorization: Bearer` header works too, and when both are
 * sent they must be the same token. Verified exactly like a bearer token (same JwtVerifier).
 */
@Injectable()
export class LegacyBodyTokenGuard implements CanActivate {
  constructor(private readonly verifier: JwtVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<LegacyRequest>();
    const raw = request.headers.authorization;
    const header = Array.isArray(raw) ? raw[0] : raw;
    let fromHeader: string | undefined;
    if (header !== undefined && header !== '') {
      const match = BEARER.exec(header);
      if (!match) throw new AuthenticationError('malformed Authorization header: use "Bearer <JWT>"');
      fromHeader = match[1];
    }
    const body = request.body;
    const inBody = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).token : undefined;
    if (inBody !== undefined && inBody !== null && inBody !== '' && typeof inBody !== 'string') {
      throw new AuthenticationError('token must be a string (a JWT)');
    }
    const fromBody = typeof inBody === 'string' && inBody !== '' ? inBody : undefined;
    if (fromBody !== undefined && fromHeader !== undefined && fromBody !== fromHeader) {
      throw new AuthenticationError('the token in the body and the Authorization header differ; send one token');
    }
    const token = fromBody ?? fromHeader;
    if (token === undefined) throw new AuthenticationError('token is required: a JWT in the body or an Authorization: Bearer header');
    const principal = await this.verifier.verify(token);
    request.principal = principal;
    seedRequestContext(context, { subject: principal.subject, roles: principal.roles, email: principal.email });
    return true;
  }
}
