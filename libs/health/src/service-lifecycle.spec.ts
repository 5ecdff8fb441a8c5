import { ServiceLifecycle, type LifecyclePhase } from './service-lifecycle.js';

describe('ServiceLifecycle', () => {
  it('goes starting -> ready -> draining and notifies each change once', () => {
    const lifecycle = new ServiceLifecycle();
    const seen: [LifecyclePhase, LifecyclePhase][] = [];
    lifecycle.onChange((phase, previous) => seen.push([phase, previous]));

    expect([lifecycle.phase, lifecycle.startupComplete, lifecycle.isReady]).toEqual(['starting', false, false]);
    lifecycle.markStarted();
    lifecycle.markStarted();
    expect([lifecycle.phase, lifecycle.startupComplete, lifecycle.isReady]).toEqual(['ready', true, true]);
    lifecycle.beginDrain();
    lifecycle.beginDrain();
    expect([lifecycle.phase, lifecycle.startupComplete, lifecycle.isReady]).toEqual(['draining', true, false]);
    expect(seen).toEqual([
      ['ready', 'starting'],
      ['draining', 'ready'],
    ]);
  });

  it('never becomes ready again once draining, even if startup completes afterwards', () => {
    const lifecycle = new ServiceLifecycle();
    lifecycle.beginDrain();
    lifecycle.markStarted();
    expect([lifecycle.phase, lifecycle.startupComplete]).toEqual(['draining', true]);
  });

  it('keeps notifying the other listeners when one throws, and unsubscribes', () => {
    const lifecycle = new ServiceLifecycle();
    const seen: LifecyclePhase[] = [];
    lifecycle.onChange(() => {
      throw new Error('broken listener');
    });
    const unsubscribe = lifecycle.onChange((phase) => seen.push(phase));
    lifecycle.markStarted();
    unsubscribe();
    lifecycle.onModuleDestroy();
    expect(seen).toEqual(['ready']);
    expect(lifecycle.phase).toBe('draining');
  });
});
