import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal.js';

/** gRPC calls have no request object to decorate: their `Metadata` (one per call) is the key. */
const rpcPrincipals = new WeakMap<object, Principal>();

type HttpRequestWithPrincipal = { principal?: Principal };

/** Remembers the principal of the request behind `context`. */
export function storePrincipal(context: ExecutionContext, principal: Principal): void {
  if (context.getType() === 'http') {
    context.switchToHttp().getRequest<HttpRequestWithPrincipal>().principal = principal;
    return;
  }
  const key: unknown = context.switchToRpc().getContext();
  if (typeof key === 'object' && key !== null) rpcPrincipals.set(key, principal);
}

/**
 * The principal the auth guard stored for the request behind `context` (HTTP: `request.principal`;
 * gRPC: keyed by the call's `Metadata`), or `undefined` for public routes and unauthenticated calls.
 */
export function principalOf(context: ExecutionContext): Principal | undefined {
  if (context.getType() === 'http') return context.switchToHttp().getRequest<HttpRequestWithPrincipal>().principal;
  const key: unknown = context.switchToRpc().getContext();
  return typeof key === 'object' && key !== null ? rpcPrincipals.get(key) : undefined;
}
