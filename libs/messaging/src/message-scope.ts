import { AsyncLocalStorage } from 'node:async_hooks';
import { RequestContext, type RequestContextData } from '#libs/observability';

/** What the consumer pipeline knows about the message being handled in the current async scope. */
export interface MessageScopeData {
  readonly consumer: string;
  readonly messageId: string;
  readonly correlationId: string;
}

/**
 * The request context as the messaging lib sees it: libs/observability's, plus the optional
 * `causationId` the consumer pipeline puts on the very object it opens the context with (the
 * object is stored as is, and `RequestContext.runWith` copies it along). Declared here rather than
 * in libs/observability because only messaging gives it meaning.
 */
export type MessagingRequestContext = RequestContextData & { causationId?: string };

const storage = new AsyncLocalStorage<MessageScopeData>();

/**
 * The message being handled, kept in the lib's own async storage as well: an interceptor that
 * opens a fresh RequestContext around a handler (and so drops `causationId`) must not cut the
 * causation chain of the messages that handler sends.
 */
export const MessageScope = {
  run<T>(data: MessageScopeData, fn: () => T): T {
    return storage.run(data, fn);
  },
  current(): MessageScopeData | undefined {
    return storage.getStore();
  },
  /** The id of the message that causes whatever is being sent now, if any. */
  causationId(): string | undefined {
    return (RequestContext.current() as MessagingRequestContext | undefined)?.causationId ?? storage.getStore()?.messageId;
  },
};
