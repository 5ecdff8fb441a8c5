import type { TransactionRunner } from '#libs/database';
import { InProcessBroker } from './in-process.broker.js';
import { MessagingLifecycle, MessagingTransportFactory, type MessagingModuleOptions } from './messaging.module.js';
import type { MessagePublisher } from './message.publisher.js';
import type { OutboxRelay } from './outbox.relay.js';

describe('MessagingLifecycle', () => {
  const setup = (options: Partial<MessagingModuleOptions> = {}) => {
    const log: string[] = [];
    const transport = { close: async () => void log.push('transport drained') };
    const factory = { existing: () => transport, declareQueues: () => undefined } as unknown as MessagingTransportFactory;
    const relay = { start: () => void log.push('relay started'), stop: async () => void log.push('relay stopped') } as unknown as OutboxRelay;
    const publisher = { close: async () => void log.push('publisher closed') } as unknown as MessagePublisher;
    const lifecycle = new MessagingLifecycle(factory, relay, publisher, { mode: 'in-process', consumer: 'c', schema: 's', ...options });
    return { lifecycle, log };
  };

  it('starts the relay at bootstrap; at shutdown drains consumers before stopping the relay, once', async () => {
    const { lifecycle, log } = setup();
    lifecycle.onApplicationBootstrap();
    await Promise.all([lifecycle.beforeApplicationShutdown(), lifecycle.beforeApplicationShutdown()]);
    expect(log).toEqual(['relay started', 'transport drained', 'relay stopped', 'publisher closed']);
  });

  it('runs no relay when told not to', () => {
    const { lifecycle, log } = setup({ relay: false });
    lifecycle.onApplicationBootstrap();
    expect(log).toEqual([]);
  });

  it('declares its in-process queues at module init: an event relayed before the consumer listens stays in the outbox', async () => {
    const broker = new InProcessBroker();
    const options: MessagingModuleOptions = {
      mode: 'in-process',
      consumer: 'notifier',
      schema: 's',
      broker,
      queues: [{ name: 'notifier.events', bindings: [{ exchange: 'oms.events', pattern: 'order.#' }] }],
    };
    const event = { messageId: 'm1', exchange: 'oms.events', routingKey: 'order.status_changed', payload: {}, headers: {} };
    // Nobody bound: an event is delivered to no one, and counts as published.
    expect(await broker.publish(event)).toMatchObject({ ok: true });

    const factory = new MessagingTransportFactory(options, {} as TransactionRunner);
    const relay = { start: () => undefined, stop: async () => undefined } as unknown as OutboxRelay;
    new MessagingLifecycle(factory, relay, {} as MessagePublisher, options).onModuleInit();

    expect(await broker.publish(event)).toMatchObject({ ok: false, reason: expect.stringMatching(/no consumer on queue notifier\.events/) });
  });
});
