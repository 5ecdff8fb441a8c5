import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { NotificationDispatcher } from '../../../application/dispatch/notification-dispatcher.js';
import { DispatchNudge } from '../../../application/ports/dispatch-nudge.port.js';

export class DispatchSchedulerOptions {
  constructor(
    /** How often due notifications are looked for (OMS_NOTIFICATION_POLL_MS). */
    readonly intervalMs = 1_000,
  ) {}
}

/**
 * Runs the dispatcher: every `intervalMs`, and at once when nudged (a notification recorded for
 * now). Rounds never overlap in a process; a full batch is followed by another round at once.
 * What is due lives in PostgreSQL, so delayed and retried notifications survive restarts, and
 * every replica may run this (SKIP LOCKED). At shutdown the round in flight finishes first.
 */
@Injectable()
export class NotificationDispatchScheduler extends DispatchNudge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('NotificationDispatchScheduler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly options: DispatchSchedulerOptions,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  nudge(): void {
    void this.tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One or more dispatcher rounds; a tick during a round asks for one more afterwards. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          const round = await this.dispatcher.dispatchDue();
          // A full batch suggests more is due right now.
          if (round.claimed > 0 && round.claimed >= this.dispatcher.batchSize) this.again = true;
        } catch (error) {
          this.logger.warn({ err: error }, 'dispatching notifications failed; retrying on the next poll');
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }
}
