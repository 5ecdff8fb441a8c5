import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { UnitOfWork } from '../../../application/ports/unit-of-work.port.js';

/**
 * A unit of work is a PostgreSQL transaction on notification-service's pool; inside a consumed
 * message's (or an idempotency key's) transaction it joins that one.
 */
@Injectable()
export class TypeOrmUnitOfWork extends UnitOfWork {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.tx.run(() => work());
  }

  afterCommit(callback: () => void): void {
    this.tx.afterCommit(callback);
  }
}
