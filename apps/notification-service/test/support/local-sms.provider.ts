import { createServer, type Server, type ServerResponse } from 'node:http';

/** One SMS request as the provider received it. */
export interface ReceivedSms {
  readonly to: string;
  readonly message: string;
  readonly authorization: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly id: string;
}

/**
 * A local HTTP SMS provider (node:http) for tests, speaking the shape HttpSmsTransport documents:
 * `POST {to, message}` with a bearer key, answering `{"id": "sms-<n>"}`. `failing` makes it answer
 * 503 instead; requests with another key get 401.
 */
export class LocalSmsProvider {
  readonly received: ReceivedSms[] = [];
  failing = false;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly apiKey: string,
  ) {}

  static async start(apiKey = 'sms-test-key'): Promise<LocalSmsProvider> {
    const holder: { provider?: LocalSmsProvider } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => holder.provider!.handle(req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    holder.provider = new LocalSmsProvider(server, `http://127.0.0.1:${port}/v1/messages`, apiKey);
    return holder.provider;
  }

  to(phone: string): ReceivedSms[] {
    return this.received.filter((s) => s.to === phone);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(headers: Record<string, string | string[] | undefined>, raw: string, res: ServerResponse): void {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (headers.authorization !== `Bearer ${this.apiKey}`) return reply(401, { error: 'bad api key' });
    if (this.failing) return reply(503, { error: 'provider down' });
    let body: { to?: unknown; message?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return reply(400, { error: 'not JSON' });
    }
    if (typeof body.to !== 'string' || typeof body.message !== 'string') return reply(400, { error: 'to and message are required' });
    const id = `sms-${this.received.length + 1}`;
    this.received.push({
      to: body.to,
      message: body.message,
      authorization: headers.authorization as string,
      idempotencyKey: headers['idempotency-key'] as string | undefined,
      id,
    });
    reply(200, { id });
  }
}
