import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { RequestContext } from '#libs/observability';
import type { DataSource, EntityManager } from 'typeorm';
import { SimulatedGatewayDatabase } from './simulated-gateway.database.js';
import { v7 as uuidv7 } from 'uuid';
import {
  CardGateway,
  GatewayUnavailableError,
  type GatewayHoldAccepted,
  type GatewayHoldRequest,
  type GatewayOperationRequest,
} from '../../../application/ports/card-gateway.port.js';
import { GatewayCallbackDispatcher } from './gateway-callback.dispatcher.js';
import { SimulatedGatewayConfig } from './simulated-gateway.config.js';
import { behaviourOf, brandOf, outcomeFor, type CardBehaviour } from './test-cards.js';

type Operation = 'hold' | 'capture' | 'void' | 'refund';
const T = 'payment_service';

/**
 * The card network, simulated: the one mock the project allows. It is a separate party that
 * happens to share the database: its state lives in its own `gateway_*` tables and is written
 * through its own connection, never in payment-service's transaction, just as a remote network
 * commits on its own. Each accepted request becomes a `gateway_operations` row, due after the
 * configured latency; {@link GatewayCallbackDispatcher} delivers it as a signed callback, also
 * after a restart. Outcomes follow the test cards (see test-cards.ts).
 */
@Injectable()
export class SimulatedCardGateway extends CardGateway {
  readonly provider = 'simulated';

  private readonly dataSource: DataSource;

  constructor(
    gatewayDatabase: SimulatedGatewayDatabase,
    private readonly config: SimulatedGatewayConfig,
    private readonly dispatcher: GatewayCallbackDispatcher,
  ) {
    super();
    this.dataSource = gatewayDatabase.dataSource;
  }

  async hold(request: GatewayHoldRequest): Promise<GatewayHoldAccepted> {
    const number = request.card.number;
    const behaviour = behaviourOf(number);
    if (behaviour === 'fail_first_attempt' && (await this.serveFaultOnce(`hold:${request.paymentId}`))) {
      throw new GatewayUnavailableError('the card network is temporarily unavailable; retry');
    }
    const accepted = await this.dataSource.transaction(async (m) => {
      const previous = await this.acceptedHold(m, request.paymentId);
      const card = previous ?? { token: `tok_${randomBytes(16).toString('hex')}`, brand: brandOf(number), last4: number.slice(-4) };
      if (!previous) {
        // The number goes no further than this: only the token, brand and last four are kept.
        await m.query(`INSERT INTO ${T}.gateway_cards (token, brand, last4, behaviour) VALUES ($1, $2, $3, $4)`, [
          card.token,
          card.brand,
          card.last4,
          behaviour,
        ]);
      }
      const inserted = await this.insertOperation(m, 'hold', { ...request, gatewayToken: card.token }, behaviour, `txn_${uuidv7()}`);
      // A concurrent duplicate got there first: its token is the one that counts.
      return inserted || previous ? card : ((await this.acceptedHold(m, request.paymentId)) ?? card);
    });
    this.dispatcher.wake(this.config.latencyMs);
    return accepted;
  }

  capture(request: GatewayOperationRequest): Promise<void> {
    return this.accept('capture', request);
  }

  void(request: GatewayOperationRequest): Promise<void> {
    return this.accept('void', request);
  }

  refund(request: GatewayOperationRequest): Promise<void> {
    return this.accept('refund', request);
  }

  private async accept(operation: Operation, request: GatewayOperationRequest): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const rows: { behaviour: CardBehaviour; transaction_id: string }[] = await m.query(
        `SELECT c.behaviour, o.transaction_id FROM ${T}.gateway_cards c
           JOIN ${T}.gateway_operations o ON o.token = c.token AND o.operation = 'hold' AND o.payment_id = $2
          WHERE c.token = $1`,
        [request.gatewayToken, request.paymentId],
      );
      if (rows.length === 0) throw new Error(`simulated gateway: no hold of payment ${request.paymentId} with this token`);
      await this.insertOperation(m, operation, request, rows[0]!.behaviour, rows[0]!.transaction_id);
    });
    this.dispatcher.wake(this.config.latencyMs);
  }

  /**
   * Records the request, due after the latency. A repeated request changes nothing, except that
   * one whose callback the network had given up on is delivered afresh.
   * @returns false for a repeat
   */
  private async insertOperation(
    m: EntityManager,
    operation: Operation,
    request: GatewayOperationRequest,
    behaviour: CardBehaviour,
    transactionId: string,
  ): Promise<boolean> {
    const outcome = outcomeFor(behaviour, operation);
    const rows: { inserted: boolean }[] = await m.query(
      `INSERT INTO ${T}.gateway_operations
         (id, payment_id, operation, order_id, token, currency, amount_minor, succeeded, failure_reason, transaction_id, correlation_id, due_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now() + make_interval(secs => $12::double precision / 1000))
       ON CONFLICT ON CONSTRAINT gateway_operations_request_key DO UPDATE
         SET abandoned_at = NULL, attempts = 0, due_at = EXCLUDED.due_at
         WHERE gateway_operations.abandoned_at IS NOT NULL
       RETURNING (xmax = 0) AS inserted`,
      [
        uuidv7(),
        request.paymentId,
        operation,
        request.orderId,
        request.gatewayToken,
        request.amount.currency,
        request.amount.amountMinor.toString(),
        outcome.succeeded,
        outcome.failureReason,
        transactionId,
        RequestContext.correlationId() ?? '',
        this.config.latencyMs,
      ],
    );
    return rows[0]?.inserted === true;
  }

  private async acceptedHold(m: EntityManager, paymentId: string): Promise<GatewayHoldAccepted | undefined> {
    const rows: { token: string; brand: string; last4: string }[] = await m.query(
      `SELECT c.token, c.brand, c.last4 FROM ${T}.gateway_operations o JOIN ${T}.gateway_cards c ON c.token = o.token
        WHERE o.payment_id = $1 AND o.operation = 'hold'`,
      [paymentId],
    );
    return rows[0];
  }

  /** True the first time `key` asks: the fault is served once, durably, whatever restarts happen. */
  private async serveFaultOnce(key: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO ${T}.gateway_faults (request_key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING request_key`,
      [key],
    );
    return rows.length > 0;
  }
}
