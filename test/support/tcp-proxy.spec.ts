import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { TcpProxy } from './tcp-proxy.js';

/**
 * Each mode of the chaos suite's TCP proxy against a local echo server: what a client sees
 * (bytes, their timing, a reset), and what the server sees (connections, bytes).
 */
const LATENCY_MS = 120;
/** Long enough for a loopback round trip to happen many times over. */
const QUIET_MS = 250;

let echo: Server;
/** The echo server's side of every connection it accepted, to push bytes to clients unasked. */
const accepted: Socket[] = [];
let proxy: TcpProxy;
const clients: Socket[] = [];

beforeAll(async () => {
  echo = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
});

beforeEach(async () => {
  proxy = await TcpProxy.start({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await proxy.close(); // a second close (after the test's own) is harmless
});

afterAll(async () => {
  for (const socket of accepted) socket.destroy();
  await new Promise((resolve) => echo.close(resolve));
});

/** A client of the proxy that collects what it receives. */
async function connect(): Promise<{ socket: Socket; received: () => string; next: (text: string) => Promise<number> }> {
  const socket = createConnection({ host: '127.0.0.1', port: proxy.port });
  socket.on('error', () => undefined);
  clients.push(socket);
  await once(socket, 'connect');
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
  /** Resolves with the ms until `text` has arrived in full (since the call). */
  const next = (text: string) => {
    const started = performance.now();
    return new Promise<number>((resolve) => {
      const check = () => (data.includes(text) ? resolve(performance.now() - started) : setTimeout(check, 2));
      check();
    });
  };
  return { socket, received: () => data, next };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('passes bytes through both ways, as they come', async () => {
  const client = await connect();
  client.socket.write('hello');
  expect(await client.next('hello')).toBeLessThan(LATENCY_MS);
  expect(proxy.openConnections).toBe(1);
});

it('delays every chunk in each direction, keeps the stream in order, and stops delaying when switched back', async () => {
  const client = await connect();
  proxy.delay(LATENCY_MS);
  client.socket.write('one;');
  // Out to the server and back: delayed twice.
  expect(await client.next('one;')).toBeGreaterThanOrEqual(2 * LATENCY_MS - 5);

  // Drawn latencies vary per chunk; none overtakes the one before it.
  proxy.delay(0, LATENCY_MS);
  const words = Array.from({ length: 30 }, (_, i) => `w${i};`);
  for (const word of words) {
    client.socket.write(word);
    await sleep(1);
  }
  await client.next(words.at(-1)!);
  expect(client.received()).toBe(`one;${words.join('')}`);

  proxy.passThrough();
  client.socket.write('fast;');
  expect(await client.next('fast;')).toBeLessThan(LATENCY_MS);
});

it('resets every open connection (the client sees ECONNRESET) and keeps accepting new ones', async () => {
  const first = await connect();
  const second = await connect();
  first.socket.write('a');
  second.socket.write('b');
  await Promise.all([first.next('a'), second.next('b')]);
  const errors = [once(first.socket, 'error'), once(second.socket, 'error')];

  expect(proxy.resetAll()).toBe(2);
  const [[firstError], [secondError]] = await Promise.all(errors);
  expect([(firstError as NodeJS.ErrnoException).code, (secondError as NodeJS.ErrnoException).code]).toEqual(['ECONNRESET', 'ECONNRESET']);
  expect(proxy.openConnections).toBe(0);

  const third = await connect();
  third.socket.write('c');
  await third.next('c');
});

it('blackholes open and new connections in both directions until switched back, then delivers what it held', async () => {
  const open = await connect();
  open.socket.write('before;');
  await open.next('before;');
  const serverSide = accepted.at(-1)!;
  const acceptedBefore = accepted.length;

  proxy.blackhole();
  open.socket.write('held-out;');
  serverSide.write('held-in;');
  // A new connection is accepted (the client believes it is connected) but the target never hears of it.
  const fresh = await connect();
  fresh.socket.write('fresh;');
  await sleep(QUIET_MS);
  expect(open.received()).toBe('before;');
  expect(fresh.received()).toBe('');
  expect(accepted.length).toBe(acceptedBefore);
  expect(proxy.openConnections).toBe(2);

  proxy.passThrough();
  await Promise.all([open.next('before;held-in;held-out;'), fresh.next('fresh;')]);
  expect(accepted.length).toBe(acceptedBefore + 1);
});

it('holds back the news of a dead connection during a blackhole, and resets the peer once it heals', async () => {
  const client = await connect();
  client.socket.write('x');
  await client.next('x');
  const serverSide = accepted.at(-1)!;

  proxy.blackhole();
  serverSide.resetAndDestroy();
  const reset = once(client.socket, 'error');
  await sleep(QUIET_MS);
  expect(client.socket.destroyed).toBe(false);

  proxy.passThrough();
  const [error] = await reset;
  expect((error as NodeJS.ErrnoException).code).toBe('ECONNRESET');
});

it('closes: no new connections, open ones ended', async () => {
  const client = await connect();
  const closed = once(client.socket, 'close');
  await proxy.close();
  await closed;
  const refused = createConnection({ host: '127.0.0.1', port: proxy.port });
  const [error] = await once(refused, 'error');
  expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
});
