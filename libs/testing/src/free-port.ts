// Plain TypeScript with node:* imports only: test/global-setup.js loads this file directly
// through Node's type stripping.
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the OS picks it; it may be taken again before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
