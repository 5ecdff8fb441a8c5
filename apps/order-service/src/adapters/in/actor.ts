import { RequestContext } from '#libs/observability';
import type { Actor } from '../../application/actor.js';

/**
 * The authenticated caller of the current request, as the auth guard recorded it in the request
 * context. The guard runs before every handler, so a missing subject is a wiring bug.
 */
export function currentActor(): Actor {
  const context = RequestContext.current();
  if (!context?.subject) throw new Error('no authenticated caller in the request context');
  return { subject: context.subject, isAdmin: context.roles?.includes('admin') ?? false };
}
