import type { MessageHandlerFn } from './delivery.pipeline.js';

const RELEVANCE = 'oms.messaging.handlesOnly';

/** Says whether a delivery's parsed JSON payload calls for its handler at all. */
export type RelevanceTest = (payload: unknown) => boolean;

/**
 * `@EventPattern` extras for a handler that acts on only some of the messages of its routing key
 * (a broadcast event, say, of which it needs a few statuses). A delivery whose payload `test`
 * answers `false` is acknowledged without a transaction: no inbox row, no handler. That is safe
 * only for a message whose handling would change nothing, which the handler's owner must argue
 * next to `test`. A test that throws counts as relevant, so an unreadable payload still reaches
 * the handler and is dead-lettered there with its reason.
 *
 * @example `@EventPattern('order.status_changed', TRANSPORT, handlesOnly(callsForWork))`
 */
export function handlesOnly(test: RelevanceTest): Record<string, unknown> {
  return { [RELEVANCE]: test };
}

/** Whether `handler` declared (with {@link handlesOnly}) that `payload` is none of its business. */
export function isIrrelevant(handler: MessageHandlerFn, payload: unknown): boolean {
  const test = (handler as { extras?: Record<string, unknown> }).extras?.[RELEVANCE];
  if (typeof test !== 'function') return false;
  try {
    return (test as RelevanceTest)(payload) === false;
  } catch {
    return false;
  }
}
