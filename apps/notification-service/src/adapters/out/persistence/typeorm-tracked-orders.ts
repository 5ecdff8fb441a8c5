import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { TrackedOrders, type OrderStatusFact, type OrderStatusName, type TrackedOrder } from '../../../application/ports/tracked-orders.port.js';
import { NOTIFICATION_SCHEMA } from './notification-schema.js';
import { TrackedOrderOrmEntity } from './tracked-order.orm-entity.js';

/** What notification-service knows of each order, merged event by event in one upsert. */
@Injectable()
export class TypeOrmTrackedOrders extends TrackedOrders {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async record(fact: OrderStatusFact): Promise<TrackedOrder> {
    // Late events (a retried one arriving after its successors) must not roll the status back,
    // and only the creation event carries the contact e-mail: merge instead of overwrite.
    const [row]: RawRow[] = await this.tx.manager().query(
      `INSERT INTO ${NOTIFICATION_SCHEMA}.orders AS o (order_id, customer_id, contact_email, status, status_seq, reserved_at, create_time, update_time)
       VALUES ($1, $2, $3, $4, $5, $6, now(), now())
       ON CONFLICT (order_id) DO UPDATE SET
         customer_id   = CASE WHEN o.customer_id = '' THEN EXCLUDED.customer_id ELSE o.customer_id END,
         contact_email = CASE WHEN o.contact_email = '' THEN EXCLUDED.contact_email ELSE o.contact_email END,
         status        = CASE WHEN EXCLUDED.status_seq > o.status_seq THEN EXCLUDED.status ELSE o.status END,
         status_seq    = GREATEST(o.status_seq, EXCLUDED.status_seq),
         reserved_at   = COALESCE(o.reserved_at, EXCLUDED.reserved_at),
         update_time   = now()
       RETURNING order_id, customer_id, contact_email, status, status_seq, reserved_at`,
      [fact.orderId, fact.customerId, fact.contactEmail, fact.status, fact.seq, fact.status === 'RESERVED' ? fact.occurredAt : null],
    );
    return fromRaw(row!);
  }

  async find(orderId: string): Promise<TrackedOrder | null> {
    const row = await this.tx.manager().findOneBy(TrackedOrderOrmEntity, { orderId });
    return row
      ? {
          orderId: row.orderId,
          customerId: row.customerId,
          contactEmail: row.contactEmail,
          status: row.status as OrderStatusName,
          statusSeq: Number(row.statusSeq),
          reservedAt: row.reservedAt,
        }
      : null;
  }
}

interface RawRow {
  order_id: string;
  customer_id: string;
  contact_email: string;
  status: string;
  status_seq: string;
  reserved_at: Date | null;
}

function fromRaw(row: RawRow): TrackedOrder {
  return {
    orderId: row.order_id,
    customerId: row.customer_id,
    contactEmail: row.contact_email,
    status: row.status as OrderStatusName,
    statusSeq: Number(row.status_seq),
    reservedAt: row.reserved_at,
  };
}
