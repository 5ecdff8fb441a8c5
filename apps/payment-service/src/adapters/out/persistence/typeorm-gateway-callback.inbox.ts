import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { GatewayCallbackInbox } from '../../../application/ports/gateway-callback.inbox.port.js';
import { PAYMENT_SCHEMA } from './payment-schema.js';

/** Applied gateway callbacks in `gateway_callback_inbox`, written in the ambient transaction. */
@Injectable()
export class TypeOrmGatewayCallbackInbox extends GatewayCallbackInbox {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async claim(callbackId: string, paymentId: string): Promise<boolean> {
    // A concurrent delivery of the same callback waits here for the first one's commit.
    const inserted: unknown[] = await this.tx.manager().query(
      `INSERT INTO ${PAYMENT_SCHEMA}.gateway_callback_inbox (callback_id, payment_id) VALUES ($1, $2)
       ON CONFLICT (callback_id) DO NOTHING RETURNING callback_id`,
      [callbackId, paymentId],
    );
    return inserted.length > 0;
  }
}
