import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { seedRequestContext } from '#libs/observability';
import { IS_PUBLIC_KEY, REQUIRED_ROLES_KEY } from './auth.decorators.js';
import { AuthenticationError, PermissionDeniedError } from './auth.errors.js';
import { JwtVerifier } from './jwt-verifier.js';
import { storePrincipal } from './principal-store.js';
import type { Principal } from './principal.js';

// RFC 6750 b64token after a case-insensitive scheme.
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

type HeaderBag = Record<string, string | string[] | undefined>;
type MetadataLike = { get(key: string): unknown[] };

/** The raw `authorization` value of an HTTP request or gRPC call, if any. */
function authorizationOf(context: ExecutionContext): string | undefined {
  if (context.getType() === 'http') {
    const value = context.switchToHttp().getRequest<{ headers?: HeaderBag }>().headers?.authorization;
    return Array.isArray(value) ? value[0] : value;
  }
  const md = context.switchToRpc().getContext<MetadataLike | undefined>();
  const value = typeof md?.get === 'function' ? md.get('authorization')[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Global guard (`APP_GUARD`) authenticating every HTTP route and gRPC method with a bearer JWT,
 * except those marked {@link Public}; enforces {@link Roles}.
 *
 * Runs before interceptors, so it does not rely on the request context being open: it stores the
 * principal on the request and hands subject/roles/email to `seedRequestContext`, which applies
 * them to the context now or when it is opened. Failures throw {@link AuthenticationError} /
 * {@link PermissionDeniedError}; the app's exception filter maps them to status codes. Any other
 * transport reached through Nest (not gRPC) has no metadata and therefore needs `@Public()`.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: JwtVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) return true;

    const match = BEARER.exec(authorizationOf(context) ?? '');
    if (!match) throw new AuthenticationError('missing or malformed bearer token');
    const principal = await this.verifier.verify(match[1]);
    storePrincipal(context, principal);
    seedRequestContext(context, { subject: principal.subject, roles: principal.roles, email: principal.email });

    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES_KEY, targets);
    if (required?.length && !hasAnyRole(principal, required)) {
      throw new PermissionDeniedError(`requires role ${required.join(' or ')}`);
    }
    return true;
  }
}

function hasAnyRole(principal: Principal, roles: readonly string[]): boolean {
  return principal.isAdmin || roles.some((role) => principal.roles.includes(role));
}
