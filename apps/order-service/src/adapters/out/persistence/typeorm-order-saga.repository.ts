import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { OrderSagaRepository } from '../../../application/ports/order-saga.repository.port.js';
import type { OrderSagaState, SagaPhase } from '../../../application/saga/order-saga.state.js';
import type { Compensation } from '../../../application/saga/order-saga.steps.js';

interface SagaRow {
  order_id: string;
  phase: SagaPhase;
  payment_id: string | null;
  pending: Compensation[];
  deadline: Date | null;
  payment_deadline: Date | null;
  phase_entered_at: Date;
}

const COLUMNS = 'order_id, phase, payment_id, pending, deadline, payment_deadline, phase_entered_at';

const toState = (row: SagaRow): OrderSagaState => ({
  orderId: row.order_id,
  phase: row.phase,
  paymentId: row.payment_id,
  pending: row.pending,
  deadline: row.deadline,
  paymentDeadline: row.payment_deadline,
  enteredAt: row.phase_entered_at,
});

/** Saga rows in `order_service.order_sagas`, always written in the caller's transaction. */
@Injectable()
export class TypeOrmOrderSagaRepository extends OrderSagaRepository {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async insert(state: OrderSagaState): Promise<void> {
    await this.tx.manager().query(
      `INSERT INTO order_service.order_sagas (order_id, phase, payment_id, pending, deadline, payment_deadline)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [state.orderId, state.phase, state.paymentId, state.pending, state.deadline, state.paymentDeadline],
    );
  }

  async lock(orderId: string): Promise<OrderSagaState | null> {
    const rows: SagaRow[] = await this.tx.manager().query(
      `SELECT ${COLUMNS} FROM order_service.order_sagas WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    return rows[0] ? toState(rows[0]) : null;
  }

  async find(orderId: string): Promise<OrderSagaState | null> {
    const rows: SagaRow[] = await this.tx.manager().query(
      `SELECT ${COLUMNS} FROM order_service.order_sagas WHERE order_id = $1`,
      [orderId],
    );
    return rows[0] ? toState(rows[0]) : null;
  }

  async update(state: OrderSagaState): Promise<void> {
    await this.tx.manager().query(
      `UPDATE order_service.order_sagas
          SET phase = $2, payment_id = $3, pending = $4, deadline = $5, payment_deadline = $6, updated_at = now(),
              phase_entered_at = CASE WHEN phase = $2 THEN phase_entered_at ELSE now() END
        WHERE order_id = $1`,
      [state.orderId, state.phase, state.paymentId, state.pending, state.deadline, state.paymentDeadline],
    );
  }

  async lockDue(now: Date, limit: number): Promise<string[]> {
    const rows: { order_id: string }[] = await this.tx.manager().query(
      `SELECT order_id FROM order_service.order_sagas WHERE deadline <= $1
        ORDER BY deadline LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map((r) => r.order_id);
  }
}
