import type { INestApplication } from '@nestjs/common';
import { ServiceLifecycle } from '#libs/health';
import { InFlightRequests } from './in-flight-requests.js';
import { coordinateShutdown, loadShutdownConfig } from './shutdown.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function world(config = { delayMs: 40, graceMs: 2_000 }, close: () => Promise<void> = async () => undefined) {
  const steps: string[] = [];
  const lifecycle = new ServiceLifecycle();
  lifecycle.markStarted();
  lifecycle.onChange((phase) => steps.push(`lifecycle ${phase}`));
  const inFlight = new InFlightRequests();
  const app = {
    close: async () => {
      steps.push('app.close');
      await close();
    },
  } as unknown as INestApplication;
  const begin = coordinateShutdown({ app, lifecycle, inFlight, config, log: (m) => steps.push(`log ${m}`), exit: (code) => steps.push(`exit ${code}`) });
  return { steps, lifecycle, inFlight, begin };
}

describe('coordinateShutdown', () => {
  it('turns readiness false at once, keeps serving for the delay, waits for requests in flight, then closes and exits 0', async () => {
    const w = world();
    const early = w.inFlight.begin();
    const done = w.begin();
    expect(w.steps.filter((s) => !s.startsWith('log'))).toEqual(['lifecycle draining']);
    await sleep(80);
    // Past the delay, but a request is still being served.
    expect(w.steps.filter((s) => !s.startsWith('log'))).toEqual(['lifecycle draining']);
    // Steady traffic: requests that start now are not waited for (the listeners' close is).
    const late = w.inFlight.begin();
    w.inFlight.end(early);
    await done;
    expect(w.steps.filter((s) => !s.startsWith('log'))).toEqual(['lifecycle draining', 'app.close', 'exit 0']);
    expect(w.inFlight.current).toBe(1);
    w.inFlight.end(late);
  });

  it('a second signal joins the shutdown under way', async () => {
    const w = world({ delayMs: 0, graceMs: 1_000 });
    await Promise.all([w.begin(), w.begin()]);
    expect(w.steps.filter((s) => s === 'app.close')).toHaveLength(1);
  });

  it('exits 1 when the shutdown outlasts the grace period, and when closing fails', async () => {
    const slow = world({ delayMs: 0, graceMs: 1_000 }, () => sleep(1_500));
    await slow.begin();
    expect(slow.steps).toContain('exit 1');
    expect(slow.steps.indexOf('exit 1')).toBeLessThan(slow.steps.indexOf('exit 0'));
    const failing = world({ delayMs: 0, graceMs: 1_000 }, () => Promise.reject(new Error('pool would not close')));
    await failing.begin();
    expect(failing.steps.slice(-2)).toEqual(['log shutdown failed: pool would not close', 'exit 1']);
  });

  it('reads and validates its settings', () => {
    expect(loadShutdownConfig({})).toEqual({ delayMs: 0, graceMs: 30_000 });
    expect(loadShutdownConfig({ OMS_SHUTDOWN_DELAY_MS: '5000', OMS_SHUTDOWN_GRACE_MS: '45000' })).toEqual({ delayMs: 5_000, graceMs: 45_000 });
    expect(() => loadShutdownConfig({ OMS_SHUTDOWN_DELAY_MS: '-1', OMS_SHUTDOWN_GRACE_MS: '10' })).toThrow(/OMS_SHUTDOWN_DELAY_MS[\s\S]*OMS_SHUTDOWN_GRACE_MS/);
  });
});
