import { Injectable } from '@nestjs/common';
import { entityFromRow, TransactionRunner, type DatabaseRow } from '#libs/database';
import { newCorrelationId, RequestContext } from '#libs/observability';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { ConcurrentModificationError } from '../../../application/application.errors.js';
import { OrderRepository, type OrderListCriteria } from '../../../application/ports/order.repository.port.js';
import type { Order } from '../../../domain/order.aggregate.js';
import { toOutboxRow } from './order-event.outbox-mapper.js';
import { toDomain, toOrmEntity } from './order.mapper.js';
import { OrderOrmEntity } from './order.orm-entity.js';

const ORDER_COLUMNS =
  'id, customer_id, status, status_reason, currency, amount_minor, items, payment, version, status_seq, payment_seq, create_time, update_time';
const OUTBOX_COLUMNS = '(message_id, exchange, routing_key, aggregate_id, payload, headers)';

/**
 * Orders in PostgreSQL. The hot paths (read by id, insert, update) are plain SQL: TypeORM's query
 * building was the largest share of order-service's own CPU under load (docs/performance.md). Every write stores the row and one outbox row per recorded event in one
 * transaction: the caller's, when one is active (e.g. the idempotency layer's), else its own.
 */
@Injectable()
export class TypeOrmOrderRepository extends OrderRepository {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async findById(id: string): Promise<Order | null> {
    const rows = (await this.tx.manager().query(`SELECT ${ORDER_COLUMNS} FROM order_service.orders WHERE id = $1`, [id])) as DatabaseRow[];
    return rows[0] ? toDomain(entityFromRow(this.tx.manager(), OrderOrmEntity, rows[0])) : null;
  }

  /** The row and its events' outbox rows in one statement (a data-modifying WITH), one round trip. */
  async insert(order: Order): Promise<void> {
    const row = toOrmEntity(order);
    const params: unknown[] = [
      row.id, row.customerId, row.status, row.statusReason, row.currency, row.amountMinor, JSON.stringify(row.items),
      row.payment === null ? null : JSON.stringify(row.payment), row.version, row.statusSeq, row.paymentSeq, row.createTime, row.updateTime,
    ];
    const insertOrder = `INSERT INTO order_service.orders (${ORDER_COLUMNS})
      VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13)`;
    const events = this.outboxValues(order, true, params);
    await this.tx.run((manager) =>
      manager.query(events ? `WITH new_order AS (${insertOrder}) INSERT INTO order_service.outbox ${OUTBOX_COLUMNS} ${events}` : insertOrder, params),
    );
    this.committed(order);
  }

  /**
   * Only what an order's behaviour can change (identity, items and amount are fixed at creation),
   * guarded by the version read; the events are written only if the row was, in the same statement.
   */
  async update(order: Order): Promise<void> {
    const row = toOrmEntity(order);
    const params: unknown[] = [
      row.id, order.persistedVersion, row.status, row.statusReason, row.payment === null ? null : JSON.stringify(row.payment),
      row.version, row.statusSeq, row.paymentSeq, row.updateTime,
    ];
    const events = this.outboxValues(order, false, params);
    const rows = (await this.tx.run((manager) =>
      manager.query(
        `WITH changed AS (
           UPDATE order_service.orders
              SET status = $3, status_reason = $4, payment = $5::jsonb, version = $6, status_seq = $7, payment_seq = $8, update_time = $9
            WHERE id = $1 AND version = $2
           RETURNING id)${
             events ? `, events AS (INSERT INTO order_service.outbox ${OUTBOX_COLUMNS} SELECT * FROM (${events}) AS e WHERE EXISTS (SELECT 1 FROM changed))` : ''
           }
         SELECT count(*)::int AS changed FROM changed`,
        params,
      ),
    )) as { changed: number }[];
    if (rows[0]?.changed !== 1) throw new ConcurrentModificationError(order.id);
    this.committed(order);
  }

  async list(criteria: OrderListCriteria): Promise<Order[]> {
    const rows = await orderListQuery(this.tx.manager(), criteria).getMany();
    return rows.map(toDomain);
  }

  /**
   * `VALUES (...), (...)` of the outbox rows of the order's recorded events, their parameters
   * appended to `params`; undefined when there are none. Events are only peeked here, so a failed
   * write leaves the aggregate as it was.
   */
  private outboxValues(order: Order, creation: boolean, params: unknown[]): string | undefined {
    const events = order.peekEvents();
    if (events.length === 0) return undefined;
    const context = RequestContext.current();
    const snapshot = order.toSnapshot();
    // One id for all messages of one change, so they can be traced together.
    const correlationId = context?.correlationId ?? newCorrelationId();
    // The contact email is the creating customer's own claim, never that of an admin acting for them.
    const contactEmail = creation && context?.subject === order.customerId ? context.email : undefined;
    const values = events.map((event) => {
      const row = toOutboxRow(event, { order: snapshot, correlationId, contactEmail, traceparent: context?.traceparent });
      const n = params.push(row.messageId, row.exchange, row.routingKey, row.aggregateId, JSON.stringify(row.payload), JSON.stringify(row.headers));
      return `($${n - 5}::uuid, $${n - 4}::text, $${n - 3}::text, $${n - 2}::text, $${n - 1}::jsonb, $${n}::jsonb)`;
    });
    return `VALUES ${values.join(', ')}`;
  }

  private committed(order: Order): void {
    order.pullEvents();
    order.markPersisted();
  }
}

/**
 * The page query: newest first by (create_time, id), strictly after the cursor, optionally one
 * customer's and/or one status's, served by the matching `orders_*created_idx` index without a sort.
 */
export function orderListQuery(manager: EntityManager, criteria: OrderListCriteria): SelectQueryBuilder<OrderOrmEntity> {
  const query = manager.createQueryBuilder(OrderOrmEntity, 'o');
  if (criteria.customerId !== undefined) query.andWhere('o.customerId = :customerId', { customerId: criteria.customerId });
  if (criteria.status !== undefined) query.andWhere('o.status = :status', { status: criteria.status });
  if (criteria.after) {
    // A row comparison, not `a < x OR (a = x AND b < y)`: PostgreSQL turns it into one index range.
    query.andWhere('(o.createTime, o.id) < (:afterTime, :afterId)', {
      afterTime: criteria.after.createTime,
      afterId: criteria.after.id,
    });
  }
  return query.orderBy('o.createTime', 'DESC').addOrderBy('o.id', 'DESC').limit(criteria.limit);
}
