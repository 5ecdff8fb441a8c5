import type { Socket } from 'node:net';
import type { ChannelModel } from 'amqplib';
import { AMQP_URL } from '../test/rabbit-test-broker.js';
import { RecordingLogger } from '../test/recording-logger.js';
import { connectAmqp } from './amqp.connection.js';

describe('connectAmqp (RabbitMQ)', () => {
  it('survives its connection being reset during setup, and sets up again on a new one', async () => {
    // Found by the chaos suite: a reset while the topology was declared crashed the process with
    // an unheard 'error' event (amqplib's recovery listens only once setup has succeeded).
    const logger = new RecordingLogger();
    let setups = 0;
    const connection = await connectAmqp({
      url: AMQP_URL,
      name: 'oms:connection-spec',
      logger,
      setup: async (model: ChannelModel) => {
        if (++setups > 1) return;
        // As a network reset would: the socket dies while setup is still running.
        const socket = (model as unknown as { connection: { stream: Socket } }).connection.stream;
        const closed = new Promise((resolve) => model.once('close', resolve));
        socket.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
        await closed;
        throw new Error('setup interrupted');
      },
    });
    try {
      expect(setups).toBe(2);
      expect(logger.lines('warn')).toContainEqual(expect.stringContaining('AMQP connection lost during setup; reconnecting'));
    } finally {
      await connection.close();
    }
  });
});
