import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { UnitOfWork } from '../../../application/ports/unit-of-work.port.js';

/** The application's unit of work over the service's TransactionRunner. */
@Injectable()
export class TypeOrmUnitOfWork extends UnitOfWork {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.tx.run(() => work());
  }

  afterCommit(effect: () => void | Promise<void>): void {
    this.tx.afterCommit(effect);
  }
}
