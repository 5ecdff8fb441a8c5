import { MessagingLifecycle, type MessagingModuleOptions, type MessagingTransportFactory } from './messaging.module.js';
import type { MessagePublisher } from './message.publisher.js';
import type { OutboxRelay } from './outbox.relay.js';

describe('MessagingLifecycle', () => {
  const setup = (options: Partial<MessagingModuleOptions> = {}) => {
    const log: string[] = [];
    const transport = { close: async () => void log.push('transport drained') };
    const factory = { existing: () => transport } as unknown as MessagingTransportFactory;
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
});
