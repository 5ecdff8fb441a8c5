import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { sleep, until } from '../../support/service-cluster.js';

const execFileAsync = promisify(execFile);

/** `rabbitmqctl`, without blocking the event loop (the load goes on meanwhile). */
export async function rabbitmqctlAsync(...args: string[]): Promise<string> {
  return (await execFileAsync('rabbitmqctl', args, { timeout: 120_000 })).stdout;
}

/**
 * Stops and starts the RabbitMQ application of the machine's broker (`rabbitmqctl stop_app` /
 * `start_app`): every connection of every vhost is closed and nothing is accepted meanwhile.
 * {@link ensureRunning} belongs in an afterAll: whatever failed, the broker is left running.
 */
export class BrokerRestart {
  private stopped = false;

  /** `amqpUrl`: a vhost to probe for "accepts connections again". */
  constructor(private readonly amqpUrl: string) {}

  async stop(): Promise<void> {
    // Marked first: a stop_app that fails halfway may still have stopped it.
    this.stopped = true;
    await rabbitmqctlAsync('stop_app');
  }

  /** Starts it and waits until it accepts AMQP connections to the vhost again. */
  async start(): Promise<void> {
    await rabbitmqctlAsync('start_app');
    this.stopped = false;
    await until('RabbitMQ to accept connections again', () => this.accepts(), 120_000, 250);
  }

  /** Stopped for `downMs`, then started; started again even if something in between failed. */
  async restart(downMs: number): Promise<void> {
    try {
      await this.stop();
      await sleep(downMs);
    } finally {
      await this.start();
    }
  }

  async ensureRunning(): Promise<void> {
    if (this.stopped) await this.start();
  }

  private async accepts(): Promise<true | undefined> {
    try {
      const connection = await amqp.connect(this.amqpUrl);
      connection.on('error', () => undefined);
      await connection.close();
      return true;
    } catch {
      return undefined;
    }
  }
}
