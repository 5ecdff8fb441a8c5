import amqp from 'amqplib';
import { Recorder, type LoadResult } from './load.js';

export interface AmqpLimits {
  readonly queueType: 'quorum';
  readonly messageBytes: number;
  readonly window: number;
  /** Publishing alone: publishes confirmed per second (latency = publish to confirm). */
  readonly publish: LoadResult;
  /**
   * Publisher and consumer together, the consumer acknowledging each delivery and the publisher
   * never more than 2 x window ahead of it: messages through the broker per second, end to end
   * (latency = publish to delivery). What every saga message costs: publish, confirm, deliver, ack.
   */
  readonly pipeline: LoadResult;
}

/**
 * The broker's limits on this machine, into a durable quorum queue (as the services' queues are),
 * persistent messages of `messageBytes` (an outbox row's size), at most `window` unconfirmed
 * publishes, a consumer with prefetch 100 acknowledging each delivery, on separate connections.
 */
export async function amqpLimits(amqpUrl: string, durationS: number, messageBytes = 600, window = 256): Promise<AmqpLimits> {
  const queue = 'bench.limits';
  const pubConnection = await amqp.connect(amqpUrl);
  const subConnection = await amqp.connect(amqpUrl);
  try {
    const pub = await pubConnection.createConfirmChannel();
    await pub.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const sub = await subConnection.createChannel();
    await sub.prefetch(100);
    const body = Buffer.alloc(messageBytes, 'x');

    /** Publishes with confirms for `seconds`, waiting while `mayPublish()` says no. */
    const publishFor = async (seconds: number, recorder: Recorder, ahead: () => number, limit: number) => {
      const end = performance.now() + seconds * 1000;
      let outstanding = 0;
      let wake: (() => void) | undefined;
      const free = () => {
        wake?.();
        wake = undefined;
      };
      while (performance.now() < end) {
        if (outstanding >= window || ahead() >= limit) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 5);
          });
          continue;
        }
        outstanding++;
        const sent = performance.now();
        // The timestamp property carries the send time (this process's clock) to the consumer.
        const ok = pub.publish('', queue, body, { persistent: true, timestamp: Math.round(sent) }, (error) => {
          outstanding--;
          recorder.record(sent, !error, error ? String(error) : undefined);
          free();
        });
        if (!ok) await new Promise<void>((resolve) => pub.once('drain', () => resolve()));
      }
      while (outstanding > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    };

    const publishOnly = new Recorder();
    await publishFor(durationS / 2, publishOnly, () => 0, Infinity);
    await pub.purgeQueue(queue);

    const confirmed = new Recorder();
    const consumed = new Recorder();
    let received = 0;
    const { consumerTag } = await sub.consume(queue, (m) => {
      if (!m) return;
      received++;
      consumed.record(Number(m.properties.timestamp), true);
      sub.ack(m);
    });
    await publishFor(durationS, confirmed, () => confirmed.count - received, 2 * window);
    await sub.cancel(consumerTag);
    await pub.deleteQueue(queue);
    return {
      queueType: 'quorum',
      messageBytes,
      window,
      publish: publishOnly.result({ name: 'amqp: publish with confirm', model: 'closed', concurrency: window }, durationS / 2),
      pipeline: consumed.result({ name: 'amqp: publish+confirm -> consume+ack', model: 'closed', concurrency: window }, durationS),
    };
  } finally {
    await pubConnection.close().catch(() => undefined);
    await subConnection.close().catch(() => undefined);
  }
}
