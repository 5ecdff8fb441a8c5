import type { ServiceUrls } from '../../support/service-cluster.js';
import { TcpProxy } from '../../support/tcp-proxy.js';

const DEFAULT_PORTS: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'amqp:': 5672 };

/**
 * A {@link TcpProxy} in front of PostgreSQL and one in front of RabbitMQ, and the URLs through
 * them: the same database, vhost and credentials, only host and port changed.
 */
export class ProxiedBackends {
  private constructor(
    readonly postgres: TcpProxy,
    readonly rabbitmq: TcpProxy,
    /** What the services are given instead of the direct URLs. */
    readonly urls: ServiceUrls,
  ) {}

  static async start(direct: ServiceUrls, random: () => number): Promise<ProxiedBackends> {
    const postgres = await TcpProxy.start(targetOf(direct.databaseUrl), random);
    const rabbitmq = await TcpProxy.start(targetOf(direct.amqpUrl), random);
    return new ProxiedBackends(postgres, rabbitmq, { databaseUrl: through(direct.databaseUrl, postgres), amqpUrl: through(direct.amqpUrl, rabbitmq) });
  }

  /** Both proxies back to pass-through (whatever a failed phase left behind). */
  passThrough(): void {
    this.postgres.passThrough();
    this.rabbitmq.passThrough();
  }

  async close(): Promise<void> {
    await Promise.all([this.postgres.close(), this.rabbitmq.close()]);
  }
}

function targetOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port) || DEFAULT_PORTS[parsed.protocol]! };
}

function through(url: string, proxy: TcpProxy): string {
  const parsed = new URL(url);
  parsed.host = `127.0.0.1:${proxy.port}`;
  return parsed.toString();
}
