import { Logger, type LoggerService } from '@nestjs/common';
import { connect, type ChannelModel, type RecoveringChannelModel } from 'amqplib';

/** Options of {@link connectAmqp}. */
export interface AmqpConnectionOptions {
  readonly url: string;
  /** Shown by RabbitMQ (`connection_name`), e.g. `oms:inventory-service:consumer`. */
  readonly name: string;
  /**
   * Runs after every successful (re)connection, before the connection is handed out; a failure
   * closes it and the attempt counts as failed. Declare topology and start consumers here.
   */
  readonly setup?: (model: ChannelModel) => Promise<void>;
  /** Failed attempts tolerated before the first connection (default 5); afterwards retries never stop. */
  readonly initialMaxRetries?: number;
  readonly logger?: LoggerService;
}

/**
 * Opens a RabbitMQ connection with amqplib 2.x's built-in recovery: when the connection drops it
 * reconnects with exponential backoff and jitter (200 ms up to 10 s) forever, running `setup`
 * again each time. Channels do not survive a reconnection; their owners open new ones. Resolves
 * once the first connection is up; rejects after `initialMaxRetries` failed attempts, so a
 * misconfigured broker URL fails the start instead of hanging it.
 */
export async function connectAmqp(options: AmqpConnectionOptions): Promise<RecoveringChannelModel> {
  const logger = options.logger ?? new Logger('AmqpConnection');
  const connection = await connect(options.url, {
    clientProperties: { connection_name: options.name },
    recovery: {
      initialDelay: 200,
      maxDelay: 10_000,
      factor: 2,
      jitter: 0.2,
      maxRetries: Infinity,
      initialMaxRetries: options.initialMaxRetries ?? 5,
      waitForConnect: false,
      setup: async (model: ChannelModel) => {
        // amqplib's recovery listens for a new connection's 'error' only once setup has
        // succeeded: a connection lost during setup (a reset while the topology is declared)
        // emitted an 'error' nobody heard, which crashed the process. Heard from the first moment
        // here; the failed setup itself makes recovery close it and try again.
        const duringSetup = (error: Error) => logger.warn?.({ err: error, connection: options.name }, 'AMQP connection lost during setup; reconnecting');
        model.on('error', duringSetup);
        await options.setup?.(model);
        // From here on recovery listens, and re-emits on `connection` (logged below).
        model.off('error', duringSetup);
      },
    },
  });
  // Without listeners an 'error' event would throw; these are logged, recovery does the rest.
  connection.on('error', (error: Error) => logger.warn?.({ err: error, connection: options.name }, 'AMQP connection error'));
  connection.on('handler-error', (error: Error) => logger.error({ err: error, connection: options.name }, 'AMQP event handler failed'));
  connection.on('disconnect', (error: Error) => logger.warn?.({ err: error, connection: options.name }, 'AMQP connection lost; reconnecting'));
  connection.on('connect-failed', (error: Error) => logger.warn?.({ err: error, connection: options.name }, 'AMQP connection attempt failed'));
  connection.on('reconnect-failed', (error: Error) => logger.error({ err: error, connection: options.name }, 'AMQP reconnection abandoned'));
  connection.on('blocked', (reason: string) => logger.warn?.({ reason, connection: options.name }, 'AMQP connection blocked by the broker'));
  await connection.waitForConnect();
  return connection;
}
