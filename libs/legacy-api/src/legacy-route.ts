/**
 * Fastify route config key marking a legacy `/api` route (seed 000). Every service uses this one
 * key, so a single body framing hook serves all legacy routes of a process (the all-in-one too).
 */
export const LEGACY_ROUTE_CONFIG = 'omsLegacyApi';

/** How one legacy route frames its body and answers failures; apps may extend it with their own fields. */
export interface LegacyRouteOptions {
  /** The seed's extra field on every failure of the route, e.g. `{ paymentStatus: 'failed' }`. */
  readonly failure?: Readonly<Record<string, unknown>>;
  /** Largest body the route accepts, in bytes (default {@link LEGACY_BODY_LIMIT}). */
  readonly bodyLimit?: number;
}

/** Largest legacy body by default: 100 items and a token fit in a few kilobytes. */
export const LEGACY_BODY_LIMIT = 64 * 1024;

/** A legacy failure before rendering: the HTTP status is also the body's `code`. */
export interface LegacyFailure {
  readonly status: number;
  readonly message: string;
}

interface RoutedRequest {
  readonly routeOptions?: { readonly config?: Record<string, unknown> };
}

/** The legacy options of the route a request was routed to, or `undefined` for other routes. */
export function legacyRouteOf<Route extends LegacyRouteOptions = LegacyRouteOptions>(request: unknown): Route | undefined {
  const config = (request as RoutedRequest | undefined)?.routeOptions?.config;
  return config?.[LEGACY_ROUTE_CONFIG] as Route | undefined;
}

/** The seed's failure body: `{code, message}` plus the route's failure field. */
export function legacyFailureBody({ status, message }: LegacyFailure, route: LegacyRouteOptions): Record<string, unknown> {
  return { code: status, message, ...route.failure };
}
