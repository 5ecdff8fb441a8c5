/** Who asks: every command and query names its caller explicitly, never through ambient state. */
export interface Actor {
  readonly subject: string;
  readonly isAdmin: boolean;
}

/** Customers act on their own orders only; admins on any. */
export function mayAccess(actor: Actor, customerId: string): boolean {
  return actor.isAdmin || actor.subject === customerId;
}
