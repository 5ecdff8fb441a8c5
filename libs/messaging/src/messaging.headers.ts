/** Header names the messaging lib writes and reads (AMQP headers, also on in-process messages). */
export const MessageHeaders = {
  /** The message id (also the AMQP `messageId` property). */
  messageId: 'message-id',
  correlationId: 'x-correlation-id',
  /** Id of the message whose handling produced this one. */
  causationId: 'x-causation-id',
  schemaVersion: 'schema-version',
  /** W3C trace context: the span of sending this message, a child of the sender's span. */
  traceparent: 'traceparent',
  /** The outbox row's aggregate: consumers handle one aggregate's messages one at a time. */
  aggregateId: 'x-aggregate-id',
  /** 1 on the first delivery, n on the copy coming back from the n-1-th retry queue. */
  attempt: 'x-attempt',
  /** Routing key and exchange as first published (a retried copy comes back by queue name). */
  originalRoutingKey: 'x-original-routing-key',
  originalExchange: 'x-original-exchange',
  /** On dead letters: why, and the handler's last error (truncated). */
  deathReason: 'x-death-reason',
  lastError: 'x-last-error',
  /** On dead letters: the consumer that gave up. */
  consumer: 'x-consumer',
} as const;

/** Value of the `schema-version` header unless the caller sets one. */
export const DEFAULT_SCHEMA_VERSION = '1';
