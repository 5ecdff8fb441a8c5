import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { ProcessedEvents, type ConsumedEventType } from '../../../application/ports/processed-events.port.js';
import { NOTIFICATION_SCHEMA } from './notification-schema.js';

/** `(order_id, event_type, seq)` rows; the primary key does the deduplication. */
@Injectable()
export class TypeOrmProcessedEvents extends ProcessedEvents {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async firstSighting(orderId: string, type: ConsumedEventType, seq: number): Promise<boolean> {
    const inserted: unknown[] = await this.tx.manager().query(
      `INSERT INTO ${NOTIFICATION_SCHEMA}.processed_events (order_id, event_type, seq) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING 1 AS fresh`,
      [orderId, type, seq],
    );
    return inserted.length === 1;
  }
}
