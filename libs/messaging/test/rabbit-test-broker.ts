import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';

const exec = promisify(execFile);

/** The broker of the integration specs: `AMQP_URL`, else the local RabbitMQ. */
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A prefix unique to this test run, for exchange, queue and connection names. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * A plain (non-recovering) connection for arranging and asserting, which remembers what it
 * declared and deletes it in `cleanup()`. Connecting fails loudly: specs never skip silently.
 */
export class RabbitTestBroker {
  private readonly exchanges = new Set<string>();
  private readonly queues = new Set<string>();

  private constructor(
    readonly connection: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(): Promise<RabbitTestBroker> {
    let connection: ChannelModel;
    try {
      connection = await connect(AMQP_URL, { clientProperties: { connection_name: 'oms:messaging-spec-admin' } });
    } catch (error) {
      throw new Error(`RabbitMQ is not reachable at ${AMQP_URL} (start it: rabbitmq-server -detached): ${String(error)}`, { cause: error });
    }
    const channel = await connection.createChannel();
    return new RabbitTestBroker(connection, channel);
  }

  async exchange(name: string, type = 'topic'): Promise<string> {
    await this.channel.assertExchange(name, type, { durable: false, autoDelete: false });
    this.exchanges.add(name);
    return name;
  }

  async queue(name: string, bindings: { exchange: string; pattern: string }[] = []): Promise<string> {
    await this.channel.assertQueue(name, { durable: false });
    for (const b of bindings) await this.channel.bindQueue(name, b.exchange, b.pattern);
    this.queues.add(name);
    return name;
  }

  /** Registers names that code under test declared, for cleanup. */
  track(kind: 'exchange' | 'queue', ...names: string[]): void {
    for (const name of names) (kind === 'exchange' ? this.exchanges : this.queues).add(name);
  }

  /** Waits until `count` messages were taken (and acked) from `queue`, or fails after `timeoutMs`. */
  async take(queue: string, count: number, timeoutMs = 5_000): Promise<GetMessage[]> {
    const taken: GetMessage[] = [];
    const deadline = Date.now() + timeoutMs;
    while (taken.length < count) {
      const message = await this.channel.get(queue, { noAck: true });
      if (message) taken.push(message);
      else if (Date.now() > deadline) throw new Error(`only ${taken.length} of ${count} messages arrived in ${queue}`);
      else await new Promise((r) => setTimeout(r, 20));
    }
    return taken;
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async publish(exchange: string, routingKey: string, body: unknown, options: Parameters<Channel['publish']>[3] = {}): Promise<void> {
    this.channel.publish(exchange, routingKey, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), options);
  }

  async cleanup(): Promise<void> {
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    for (const queue of this.queues) await channel.deleteQueue(queue).catch(() => undefined);
    for (const exchange of this.exchanges) await channel.deleteExchange(exchange).catch(() => undefined);
    await channel.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.cleanup();
    await this.connection.close().catch(() => undefined);
  }
}

/**
 * Closes, on the broker side, every connection whose `connection_name` starts with `prefix`
 * (what a broker restart or a network cut does to a client), and returns how many it closed.
 */
export async function forceCloseConnections(prefix: string): Promise<number> {
  // JSON output has the client properties but an Erlang pid close_connection cannot parse; the
  // plain output has that pid. They are joined by the connection's name (its address pair).
  const { stdout: json } = await exec('rabbitmqctl', ['list_connections', 'name', 'client_properties', '--formatter', 'json', '-q']);
  const { stdout: plain } = await exec('rabbitmqctl', ['list_connections', 'name', 'pid', '-q', '--no-table-headers']);
  const pids = new Map(plain.split('\n').filter(Boolean).map((line) => line.split('\t') as [string, string]));
  const connections = JSON.parse(json) as { name: string; client_properties: [string, string, unknown][] }[];
  const targets = connections.filter((c) =>
    c.client_properties.some(([key, , value]) => key === 'connection_name' && typeof value === 'string' && value.startsWith(prefix)),
  );
  for (const target of targets) {
    const pid = pids.get(target.name);
    if (pid) await exec('rabbitmqctl', ['close_connection', pid, 'closed by a messaging spec', '-q']);
  }
  return targets.length;
}
