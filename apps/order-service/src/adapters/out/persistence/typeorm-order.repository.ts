import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { newCorrelationId, RequestContext } from '#libs/observability';
import type { EntityManager, QueryDeepPartialEntity, SelectQueryBuilder } from 'typeorm';
import { ConcurrentModificationError } from '../../../application/application.errors.js';
import { OrderRepository, type OrderListCriteria } from '../../../application/ports/order.repository.port.js';
import type { Order } from '../../../domain/order.aggregate.js';
import { toOutboxRow } from './order-event.outbox-mapper.js';
import { toDomain, toOrmEntity } from './order.mapper.js';
import { OrderOrmEntity } from './order.orm-entity.js';
import { OutboxMessageOrmEntity } from './outbox-message.orm-entity.js';

/**
 * Orders in PostgreSQL. Every write stores the row and one outbox row per recorded event in one
 * transaction: the caller's, when one is active (e.g. the idempotency layer's), else its own.
 */
@Injectable()
export class TypeOrmOrderRepository extends OrderRepository {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async findById(id: string): Promise<Order | null> {
    const row = await this.tx.manager().findOneBy(OrderOrmEntity, { id });
    return row ? toDomain(row) : null;
  }

  async insert(order: Order): Promise<void> {
    await this.tx.run(async (manager) => {
      await manager.insert(OrderOrmEntity, toOrmEntity(order));
      await this.writeOutbox(manager, order, true);
    });
    this.committed(order);
  }

  async update(order: Order): Promise<void> {
    const row = toOrmEntity(order);
    await this.tx.run(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(OrderOrmEntity)
        // Only what an order's behaviour can change; identity, items and amount are fixed at creation.
        .set({
          status: row.status,
          statusReason: row.statusReason,
          payment: row.payment,
          version: row.version,
          statusSeq: row.statusSeq,
          paymentSeq: row.paymentSeq,
          updateTime: row.updateTime,
        })
        .where('id = :id AND version = :persistedVersion', { id: row.id, persistedVersion: order.persistedVersion })
        .execute();
      if (result.affected !== 1) throw new ConcurrentModificationError(order.id);
      await this.writeOutbox(manager, order, false);
    });
    this.committed(order);
  }

  async list(criteria: OrderListCriteria): Promise<Order[]> {
    const rows = await orderListQuery(this.tx.manager(), criteria).getMany();
    return rows.map(toDomain);
  }

  /** Events are only peeked here, so a failed write leaves the aggregate as it was. */
  private async writeOutbox(manager: EntityManager, order: Order, creation: boolean): Promise<void> {
    const events = order.peekEvents();
    if (events.length === 0) return;
    const context = RequestContext.current();
    const snapshot = order.toSnapshot();
    // One id for all messages of one change, so they can be traced together.
    const correlationId = context?.correlationId ?? newCorrelationId();
    // The contact email is the creating customer's own claim, never that of an admin acting for them.
    const contactEmail = creation && context?.subject === order.customerId ? context.email : undefined;
    const rows = events.map((event) => toOutboxRow(event, { order: snapshot, correlationId, contactEmail, traceparent: context?.traceparent }));
    // TypeORM's deep-partial type cannot express an open JSON object; the rows are complete.
    await manager.insert(OutboxMessageOrmEntity, rows as QueryDeepPartialEntity<OutboxMessageOrmEntity>[]);
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
