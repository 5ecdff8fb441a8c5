import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SimulatedGatewayDatabase } from './simulated-gateway.database.js';
import {
  GATEWAY_CALLBACK_CONTENT_TYPE,
  GATEWAY_SIGNATURE_HEADER,
  signCallback,
  type GatewayCallbackBody,
} from '../../gateway-webhook.contract.js';
import { SimulatedGatewayConfig } from './simulated-gateway.config.js';

const T = 'payment_service';
/** How long a claimed callback is reserved for the replica delivering it. */
const LEASE_SECONDS = 30;
const BATCH = 20;

interface DueOperation {
  id: string;
  payment_id: string;
  operation: GatewayCallbackBody['operation'];
  order_id: string;
  currency: string;
  amount_minor: string;
  succeeded: boolean;
  failure_reason: string;
  transaction_id: string;
  correlation_id: string;
  attempts: number;
  created_at: Date;
}

/** Delivery attempt `attempts` failed: wait this long before the next one. */
export function redeliveryDelayMs(attempts: number): number {
  return Math.min(30_000, 100 * 2 ** (attempts - 1));
}

/** A status a retry cannot change: the receiver refuses the callback itself. */
function isPermanent(status: number): boolean {
  return status >= 400 && status < 500 && ![404, 408, 409, 425, 429].includes(status);
}

/**
 * The simulated network's webhook sender. Due callbacks are claimed in the database (a lease, so
 * replicas never deliver one at the same time), signed, POSTed, and marked delivered on a 2xx;
 * otherwise retried with exponential backoff until `maxDeliveryAttempts`. Everything it knows is
 * in `gateway_operations`, so callbacks pending at a shutdown are delivered after the next start.
 */
@Injectable()
export class GatewayCallbackDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SimulatedCardGateway');
  #interval?: NodeJS.Timeout;
  readonly #timers = new Set<NodeJS.Timeout>();
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  private readonly dataSource: DataSource;

  constructor(
    gatewayDatabase: SimulatedGatewayDatabase,
    private readonly config: SimulatedGatewayConfig,
  ) {
    this.dataSource = gatewayDatabase.dataSource;
  }

  /**
   * Starts the periodic sweep, which also delivers what fell due while the service was down. Not
   * at once: bootstrap runs before the HTTP port listens, and the callbacks are addressed to it.
   */
  onApplicationBootstrap(): void {
    this.#interval = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.#interval.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#interval);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.#running;
  }

  /** Looks for due callbacks after `delayMs`. */
  wake(delayMs: number): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.sweep();
    }, delayMs + 1);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Delivers every callback due now; concurrent calls coalesce into one more round. */
  sweep(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          await this.#deliverDue();
        } catch (error) {
          this.logger.warn(`delivering gateway callbacks failed; retrying on the next sweep: ${String(error)}`);
        }
      } while (this.#again && !this.#stopped);
    })().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #deliverDue(): Promise<void> {
    for (let batch = await this.#claim(); batch.length > 0 && !this.#stopped; batch = await this.#claim()) {
      await Promise.all(batch.map((operation) => this.#deliver(operation)));
    }
    if (!this.#stopped) await this.#wakeForNext();
  }

  async #claim(): Promise<DueOperation[]> {
    // TypeORM answers an UPDATE with [rows, affected row count].
    const [rows]: [DueOperation[], number] = await this.dataSource.query(
      `UPDATE ${T}.gateway_operations SET due_at = now() + make_interval(secs => $1), attempts = attempts + 1
        WHERE id IN (SELECT id FROM ${T}.gateway_operations
                      WHERE delivered_at IS NULL AND abandoned_at IS NULL AND due_at <= now()
                      ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, payment_id, operation, order_id, currency, amount_minor, succeeded, failure_reason, transaction_id,
                 correlation_id, attempts, created_at`,
      [LEASE_SECONDS, BATCH],
    );
    return rows;
  }

  async #deliver(op: DueOperation): Promise<void> {
    const body: GatewayCallbackBody = {
      id: op.id,
      createdAt: new Date(op.created_at).toISOString(),
      paymentId: op.payment_id,
      orderId: op.order_id,
      operation: op.operation,
      succeeded: op.succeeded,
      failureReason: op.failure_reason,
      transactionId: op.transaction_id,
      amount: { currency: op.currency, amountMinor: String(op.amount_minor) },
      correlationId: op.correlation_id,
    };
    const raw = JSON.stringify(body);
    let problem: string;
    let permanent = false;
    try {
      const response = await fetch(this.config.callbackUrl, {
        method: 'POST',
        headers: {
          'content-type': GATEWAY_CALLBACK_CONTENT_TYPE,
          [GATEWAY_SIGNATURE_HEADER]: signCallback(this.config.webhookSecret, raw, Math.floor(Date.now() / 1000)),
        },
        body: raw,
        signal: AbortSignal.timeout(this.config.deliveryTimeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        await this.dataSource.query(`UPDATE ${T}.gateway_operations SET delivered_at = now(), last_error = NULL WHERE id = $1`, [op.id]);
        return;
      }
      problem = `HTTP ${response.status}`;
      permanent = isPermanent(response.status);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    const giveUp = permanent || op.attempts >= this.config.maxDeliveryAttempts;
    await this.dataSource.query(
      giveUp
        ? `UPDATE ${T}.gateway_operations SET abandoned_at = now(), last_error = $2 WHERE id = $1`
        : `UPDATE ${T}.gateway_operations SET due_at = now() + make_interval(secs => $3::double precision / 1000), last_error = $2 WHERE id = $1`,
      giveUp ? [op.id, problem] : [op.id, problem, redeliveryDelayMs(op.attempts)],
    );
    const what = `${op.operation} callback ${op.id} of payment ${op.payment_id} (attempt ${op.attempts})`;
    this.logger.warn(giveUp ? `gave up on the ${what}: ${problem}` : `the ${what} was not accepted (${problem}); redelivering later`);
  }

  /** Sets a timer for the earliest pending callback if it is due before the next periodic sweep. */
  async #wakeForNext(): Promise<void> {
    const [next]: { ms: number | null }[] = await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM (min(due_at) - now())) * 1000 AS ms FROM ${T}.gateway_operations
        WHERE delivered_at IS NULL AND abandoned_at IS NULL`,
    );
    const ms = next?.ms === null || next?.ms === undefined ? null : Number(next.ms);
    if (ms !== null && ms < this.config.sweepIntervalMs) this.wake(Math.max(0, ms));
  }
}
