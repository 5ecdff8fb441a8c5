/**
 * The legacy `/api` dialect of seed 000, shared by every service that serves it: the route marker,
 * the body framing that answers malformed, non-JSON and oversized bodies in the legacy shape, and
 * the base exception filter rendering `{code, message, ...failure}`. Each service words its own
 * errors (a `LegacyExceptionFilter` subclass) and names its route's failure field.
 */
export { installLegacyBodyFraming } from './legacy-body.framing.js';
export { LegacyExceptionFilter, LegacyRoute } from './legacy-exception.filter.js';
export type { LegacyFailure, LegacyRouteOptions } from './legacy-route.js';
