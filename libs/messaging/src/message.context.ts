/** What a handler can know about the message it handles; `@Ctx() ctx: MessageContext`. */
export interface MessageContextInit {
  readonly consumer: string;
  readonly queue: string;
  readonly messageId: string;
  readonly routingKey: string;
  readonly exchange: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly correlationId: string;
  readonly attempt: number;
  readonly redelivered: boolean;
  readonly timestamp?: Date;
}

const handlerErrors = new WeakMap<MessageContext, unknown>();

/**
 * The context of one delivery, handed to `@EventPattern` handlers as their second argument.
 * The routing key and exchange are those the message was first published with, also when it
 * comes back from a retry queue.
 */
export class MessageContext {
  readonly consumer: string;
  readonly queue: string;
  readonly messageId: string;
  readonly routingKey: string;
  readonly exchange: string;
  /** String headers (`x-correlation-id`, `schema-version`, `x-causation-id`, ...). */
  readonly headers: Readonly<Record<string, string>>;
  readonly correlationId: string;
  /** 1 for the first delivery, n after n-1 failed attempts (broker redeliveries do not count). */
  readonly attempt: number;
  /** The broker delivered it before (e.g. the consumer died before acking). */
  readonly redelivered: boolean;
  /** When the message was written to the outbox. */
  readonly timestamp?: Date;

  constructor(init: MessageContextInit) {
    this.consumer = init.consumer;
    this.queue = init.queue;
    this.messageId = init.messageId;
    this.routingKey = init.routingKey;
    this.exchange = init.exchange;
    this.headers = init.headers;
    this.correlationId = init.correlationId;
    this.attempt = init.attempt;
    this.redelivered = init.redelivered;
    this.timestamp = init.timestamp;
  }

  /**
   * The values of header `key` (zero or one), shaped like gRPC `Metadata.get`. With it and
   * {@link getMap}, code that reads request metadata, such as libs/observability's
   * `CorrelationInterceptor` applied through `inheritAppConfig`, takes the message's
   * `x-correlation-id` instead of minting a new one.
   */
  get(key: string): string[] {
    const value = this.headers[key.toLowerCase()] ?? this.headers[key];
    return value === undefined ? [] : [value];
  }

  /** The headers, shaped like gRPC `Metadata.getMap`. */
  getMap(): Record<string, string> {
    return { ...this.headers };
  }
}

/** Keeps the error a handler threw, before exception filters turn it into something else. @internal */
export function recordHandlerError(context: MessageContext, error: unknown): void {
  if (!handlerErrors.has(context)) handlerErrors.set(context, error);
}

/** The error recorded by {@link recordHandlerError}, if any. @internal */
export function recordedHandlerError(context: MessageContext): unknown {
  return handlerErrors.get(context);
}
