import { request, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { countHttpRequests, InFlightRequests } from './in-flight-requests.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('countHttpRequests', () => {
  let app: FastifyInstance;
  let inFlight: InFlightRequests;
  let port: number;
  let release: () => void;

  beforeEach(async () => {
    inFlight = new InFlightRequests();
    app = Fastify();
    countHttpRequests(app, inFlight);
    app.post('/slow', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return { ok: true };
    });
    app.get('/fast', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });

  afterEach(() => app.close());

  const post = (): ClientRequest => {
    const req = request({ port, method: 'POST', path: '/slow', headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    req.end('{}');
    return req;
  };

  it('counts a request until its response is finished', async () => {
    post();
    await sleep(100);
    expect(inFlight.current).toBe(1);
    release();
    await sleep(100);
    expect(inFlight.current).toBe(0);
    await fetch(`http://127.0.0.1:${port}/fast`);
    await fetch(`http://127.0.0.1:${port}/missing`);
    expect(inFlight.current).toBe(0);
  });

  it('keeps counting a request whose client left until its handler is done, then lets it go', async () => {
    const req = post();
    await sleep(100);
    req.destroy();
    await sleep(100);
    // The handler still works (a transaction may be open): a shutdown must still wait for it.
    expect(inFlight.current).toBe(1);
    const settled = inFlight.settled(2_000);
    release();
    expect(await settled).toBe(true);
    expect(inFlight.current).toBe(0);
  });
});
