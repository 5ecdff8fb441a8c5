import { setTimeout as sleep } from 'node:timers/promises';
import { RequestContext } from '../src/index.js';

describe('RequestContext', () => {
  it('is undefined outside a scope and patch reports that', () => {
    expect(RequestContext.current()).toBeUndefined();
    expect(RequestContext.patch({ subject: 'x' })).toBe(false);
  });

  it('keeps the context across awaits and lets later stages patch the same object', async () => {
    const data = { correlationId: 'c-1' };
    await RequestContext.run(data, async () => {
      await sleep(1);
      expect(RequestContext.patch({ subject: 'alice', roles: ['admin'] })).toBe(true);
      expect(RequestContext.current()).toBe(data);
    });
    expect(data).toEqual({ correlationId: 'c-1', subject: 'alice', roles: ['admin'] });
  });

  it('runWith scopes extra fields to a child without touching the parent', async () => {
    await RequestContext.run({ correlationId: 'c-2' }, async () => {
      await RequestContext.runWith({ orderId: 'o-1' }, async () => {
        await sleep(1);
        expect(RequestContext.current()).toEqual({ correlationId: 'c-2', orderId: 'o-1' });
      });
      expect(RequestContext.current()).toEqual({ correlationId: 'c-2' });
    });
  });

  it('runWith outside any scope starts one with a new correlation id', () => {
    RequestContext.runWith({ orderId: 'o-2' }, () => {
      expect(RequestContext.current()).toMatchObject({ orderId: 'o-2', correlationId: expect.any(String) });
    });
  });
});
