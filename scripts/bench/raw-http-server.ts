import http from 'node:http';
import { rawInserter } from './raw-reference.js';

/**
 * The raw node:http reference (a child process of the bench): POST /v1/orders parses the JSON body,
 * runs one INSERT and answers 200 with the order. Env: DATABASE_URL, PORT. Prints `ready` when listening.
 */
const insert = rawInserter(process.env.DATABASE_URL!);

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/orders') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: { items?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"malformed JSON"}');
      return;
    }
    insert('raw', body.items ?? []).then(
      ({ id, createTime }) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ order: { id, status: 'ORDER_STATUS_PENDING', items: body.items, createTime } }));
      },
      () => res.writeHead(500).end(),
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
