import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { IdempotencyStore } from './idempotency.store.js';

/** How often expired idempotency keys are purged. */
export const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Keeps the idempotency table small: every {@link PURGE_INTERVAL_MS} it deletes keys past their
 * retention, in batches, until none are left. A failed round is logged and retried next time.
 */
@Injectable()
export class IdempotencyJanitor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyJanitor.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: IdempotencyStore) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Purges every expired key; returns how many were deleted. */
  async purge(batch = 1000): Promise<number> {
    let total = 0;
    try {
      for (let deleted = batch; deleted === batch; total += deleted) {
        deleted = await this.store.purgeExpired(batch);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'purging expired idempotency keys failed; will retry');
    }
    return total;
  }
}
