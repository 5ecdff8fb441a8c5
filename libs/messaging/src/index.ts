/**
 * Reliable messaging for the OMS services: the transactional outbox (writer and relay), the inbox,
 * publishers (RabbitMQ with confirms, or in-process), consumers as a Nest custom transport with
 * retries through TTL queues and dead-lettering, the RabbitMQ topology, and a Nest module tying
 * them together. See docs/messaging.md for the rules this implements.
 */
export {
  assertSchemaName,
  deferredDeliveriesDdl,
  dropDeferredDeliveriesDdl,
  dropOutboxAndInboxDdl,
  inboxDdl,
  outboxAndInboxDdl,
  outboxDdl,
  outboxDowngradeDdl,
  outboxUpgradeDdl,
} from './messaging.ddl.js';
export { DEFAULT_SCHEMA_VERSION, MessageHeaders } from './messaging.headers.js';
export { MessageScope, type MessageScopeData, type MessagingRequestContext } from './message-scope.js';
export { OutboxWriter, type OutgoingMessage } from './outbox.writer.js';
export { OutboxRelay, type OutboxRelayOptions, type OutboxStats } from './outbox.relay.js';
export { purgeInbox } from './inbox.janitor.js';
export { MessagePublisher, publishFailed, publishOk, type PublishedMessage, type PublishResult } from './message.publisher.js';
export { AmqpPublisher, type AmqpPublisherOptions, type ConfirmChannelSource } from './amqp.publisher.js';
export { connectAmqp, type AmqpConnectionOptions } from './amqp.connection.js';
export {
  InProcessBroker,
  sharedInProcessBroker,
  type DeadLetter,
  type InProcessConsumer,
  type InProcessDelivery,
} from './in-process.broker.js';
export { InProcessPublisher } from './in-process.publisher.js';
export { topicMatches } from './topic-pattern.js';
export { BROADCAST_EXCHANGES, isBroadcast } from './messaging-queue.js';
export { PermanentMessageError, isPermanentMessageError } from './messaging.errors.js';
export {
  assertRetryDelays,
  deadLetterQueueName,
  retryQueueName,
  DEFAULT_DEAD_LETTER_EXCHANGE,
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_EXCHANGES,
  DEFAULT_PREFETCH,
  DEFAULT_RETRY_DELAYS_MS,
  DEFAULT_RETRY_EXCHANGE,
  type MessagingQueue,
  type QueueBinding,
} from './messaging-queue.js';
export { declareTopology, topologyQueueNames, type TopologyOptions } from './amqp.topology.js';
export { MessageContext, type MessageContextInit } from './message.context.js';
export { MessageErrorInterceptor } from './message-error.interceptor.js';
export {
  DeliveryPipeline,
  type DeadLetterReason,
  type DeliveryOutcome,
  type DeliveryPipelineOptions,
  type IncomingDelivery,
  type MessageHandlerFn,
} from './delivery.pipeline.js';
export { handlesOnly, type RelevanceTest } from './delivery-relevance.js';
export { MessagingServer, messagingTransportId, type MessagingTransportOptions } from './messaging.server.js';
export { AmqpTransport, type AmqpTransportOptions } from './amqp.transport.js';
export { InProcessTransport, type InProcessTransportOptions } from './in-process.transport.js';
export {
  connectMessagingTransport,
  connectMessagingTransports,
  MessagingLifecycle,
  MessagingModule,
  MessagingTransportFactory,
  type ConnectMessagingOptions,
  type MessagingModuleOptions,
} from './messaging.module.js';
