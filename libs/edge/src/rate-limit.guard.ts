import { createHash } from 'node:crypto';
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { principalOf, type Principal } from '#libs/auth';
import { ApiError } from '#libs/errors';
import { normalizeIp, SkipThrottle, ThrottlerGuard, type ThrottlerLimitDetail } from './throttler.js';

/** ErrorInfo reason of a call refused by the rate limit. */
export const RATE_LIMITED = 'RATE_LIMITED';

/**
 * HTTP paths never limited: probes, metrics and the API description are polled by machines that
 * carry no token, and limiting them would turn a busy client into a failing health check.
 */
export const RATE_LIMIT_EXEMPT_PATHS: readonly (string | RegExp)[] = [/^\/health(\/|$)/, '/metrics', '/v1/openapi.json'];

/**
 * Exempts a handler or controller from the rate limit, e.g. a machine callback authenticated by
 * its own signature.
 */
export const SkipRateLimit = (): MethodDecorator & ClassDecorator => SkipThrottle();

interface Caller {
  /** The authenticated principal, when the auth guard stored one. */
  principal?: Principal;
  /** Client address: the socket's for HTTP, the peer's for gRPC. */
  ip?: string;
  headers: Record<string, unknown>;
}

const isGrpc = (context: ExecutionContext): boolean =>
  context.getType() === 'rpc' && context.switchToRpc().getContext<unknown>() instanceof Metadata;

/** `ipv4:127.0.0.1:50000` / `ipv6:[::1]:50000` (grpc-js `getPeer()`) -> the address. */
function peerAddress(peer: unknown): string | undefined {
  if (typeof peer !== 'string') return undefined;
  const match = /^ipv[46]:\[?([^\]]+?)\]?:\d+$/.exec(peer);
  return match ? match[1] : peer;
}

function pathOf(url: unknown): string {
  return typeof url === 'string' ? url.split('?', 1)[0]! : '';
}

/**
 * `@nestjs/throttler` for both ports of the hybrid app. A caller is its JWT `sub` (so one customer
 * gets the same budget from any address, and customers behind one NAT do not share one), else its
 * client IP (anonymous calls to public routes). One budget per caller across all routes and both
 * ports; the limit is `OMS_RATE_LIMIT_PER_MINUTE` a minute.
 *
 * Registered after the auth guard (see EdgeModule), so the principal is known when it runs.
 * Service-role callers (other services of the system) and the exempt paths are not limited; other
 * transports reached through Nest (message consumers) neither. Over the limit: RESOURCE_EXHAUSTED
 * with ErrorInfo reason `RATE_LIMITED` (REST 429 with `Retry-After`).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() === 'http') {
      const path = pathOf(context.switchToHttp().getRequest<{ url?: string }>().url);
      if (RATE_LIMIT_EXEMPT_PATHS.some((p) => (typeof p === 'string' ? p === path : p.test(path)))) return true;
    } else if (!isGrpc(context)) {
      return true;
    }
    return principalOf(context)?.isService === true;
  }

  protected override getRequestResponse(context: ExecutionContext): { req: Record<string, unknown>; res: Record<string, unknown> } {
    if (context.getType() === 'http') {
      const { req, res } = super.getRequestResponse(context) as { req: { ip?: string; headers?: Record<string, unknown> }; res: Record<string, unknown> };
      const caller: Caller = { principal: principalOf(context), ip: req.ip, headers: req.headers ?? {} };
      return { req: { ...caller }, res };
    }
    const call = context.getArgByIndex<{ getPeer?: () => string } | undefined>(2);
    const caller: Caller = { principal: principalOf(context), ip: peerAddress(call?.getPeer?.()), headers: {} };
    // gRPC has no response headers to set before the handler: the limit travels in ErrorInfo.
    return { req: { ...caller }, res: {} };
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const caller = req as unknown as Caller;
    if (caller.principal) return `sub:${caller.principal.subject}`;
    return `ip:${normalizeIp(caller.ip ?? 'unknown', this.ipv6SubnetPrefix)}`;
  }

  /** One budget per caller, whatever the route or port (the base class keys by handler too). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return createHash('sha256').update(`${name}\0${tracker}`).digest('hex');
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new ApiError(
      'RESOURCE_EXHAUSTED',
      `rate limit of ${detail.limit} requests per ${Math.round(detail.ttl / 1000)} s exceeded; retry after ${retryAfter} s`,
      RATE_LIMITED,
      { limit: String(detail.limit), retryAfterSeconds: String(retryAfter) },
    );
  }
}
