import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { UnitOfWork } from '../../../application/ports/unit-of-work.port.js';

/** The UnitOfWork port over the service's TransactionRunner: joins an ambient transaction or opens one. */
@Injectable()
export class TypeOrmUnitOfWork extends UnitOfWork {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.tx.run(() => work());
  }
}
