import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { UnitOfWork } from '../../../application/ports/unit-of-work.port.js';

/**
 * A unit of work is a PostgreSQL transaction (READ COMMITTED) on inventory-service's pool; inside
 * an idempotency key's or a consumed message's transaction it joins that one.
 */
@Injectable()
export class TypeOrmUnitOfWork extends UnitOfWork {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.tx.run(() => work());
  }
}
