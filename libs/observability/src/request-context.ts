import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What is known about the request (or message, or background job) being handled.
 *
 * The object is deliberately mutable: it is created by whatever opens the scope (the HTTP
 * middleware, the gRPC pre-request hook or the {@link CorrelationInterceptor}), and later stages
 * such as the auth guard add `subject`/`roles` to the very same object, so everything already
 * holding the scope sees the additions.
 */
export interface RequestContextData {
  /** Taken from `x-correlation-id` or generated; carried on every log line and message. */
  correlationId: string;
  /** JWT `sub` of the authenticated caller. */
  subject?: string;
  /** JWT `roles` of the authenticated caller. */
  roles?: string[];
  /** JWT `email` of the authenticated caller. */
  email?: string;
  /** Raw `idempotency-key` of the request; validated by the idempotency layer, not here. */
  idempotencyKey?: string;
  /**
   * W3C `traceparent` of the current span (the request, or the message being handled): a child
   * of the caller's when it sent a valid one, else the root of a new trace.
   */
  traceparent?: string;
  /** The order the current work is about, once known; added to every log line. */
  orderId?: string;
}

const storage = new AsyncLocalStorage<RequestContextData>();

/** Static access to the {@link RequestContextData} of the current async scope. */
export class RequestContext {
  private constructor() {}

  /** The context of the current scope, or `undefined` outside any. */
  static current(): RequestContextData | undefined {
    return storage.getStore();
  }

  /** Shortcut for `RequestContext.current()?.correlationId`. */
  static correlationId(): string | undefined {
    return storage.getStore()?.correlationId;
  }

  /**
   * Runs `fn` with `data` as the current context. The object itself is stored (not a copy), so
   * later {@link RequestContext.patch} calls are visible to whoever passed it in.
   */
  static run<T>(data: RequestContextData, fn: () => T): T {
    return storage.run(data, fn);
  }

  /**
   * Runs `fn` in a child scope: a copy of the current context (or a fresh one with a new
   * correlation id when there is none) with `partial` applied. Use it to scope work to an order
   * (`{ orderId }`) without leaking that field into the parent scope.
   */
  static runWith<T>(partial: Partial<RequestContextData>, fn: () => T): T {
    const parent = storage.getStore();
    const data: RequestContextData = { correlationId: parent?.correlationId ?? randomUUID(), ...parent };
    return storage.run(Object.assign(data, partial), fn);
  }

  /**
   * Adds fields to the current context in place. Returns `false` (and does nothing) when no
   * context is active, so callers can tell whether the patch landed.
   */
  static patch(partial: Partial<RequestContextData>): boolean {
    const current = storage.getStore();
    if (!current) return false;
    Object.assign(current, partial);
    return true;
  }
}
