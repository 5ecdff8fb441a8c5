import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { OrderSagaCoordinator } from '../../../application/saga/order-saga.coordinator.js';

export class SagaTimeoutsOptions {
  constructor(readonly intervalMs = 1_000) {}
}

/**
 * Fires the saga's due timeouts (unpaid orders past OMS_ORDER_PAYMENT_TIMEOUT_SECONDS, holds the
 * gateway never answered). The deadlines live in PostgreSQL, so they survive restarts, and every
 * replica may run this: each due saga is taken by exactly one (SKIP LOCKED).
 */
@Injectable()
export class SagaTimeoutsScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SagaTimeoutsScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly saga: OrderSagaCoordinator,
    private readonly options: SagaTimeoutsOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.saga
        .fireDueTimeouts()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'firing saga timeouts failed; will retry'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
