import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { ConcurrentModificationError, PaymentAttemptLiveError, PaymentIdConflictError } from '../../../application/application.errors.js';
import { PaymentRepository } from '../../../application/ports/payment.repository.port.js';
import type { Payment } from '../../../domain/payment.aggregate.js';
import { toDomain, toOrmEntity } from './payment.mapper.js';
import { PaymentOrmEntity } from './payment.orm-entity.js';

const UNIQUE_VIOLATION = '23505';
/** The partial unique index allowing one attempt per order that is neither FAILED nor VOIDED. */
export const ONE_LIVE_ATTEMPT_INDEX = 'payments_one_live_attempt_per_order';

/** Payments in PostgreSQL; every read and write joins the ambient transaction when there is one. */
@Injectable()
export class TypeOrmPaymentRepository extends PaymentRepository {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async findById(paymentId: string): Promise<Payment | null> {
    const row = await this.tx.manager().findOneBy(PaymentOrmEntity, { id: paymentId });
    return row ? toDomain(row) : null;
  }

  async findLatestByOrder(orderId: string): Promise<Payment | null> {
    const row = await this.tx.manager().findOne(PaymentOrmEntity, {
      where: { orderId },
      order: { createTime: 'DESC', id: 'DESC' },
    });
    return row ? toDomain(row) : null;
  }

  async findLiveByOrder(orderId: string): Promise<Payment | null> {
    const row = await this.tx
      .manager()
      .createQueryBuilder(PaymentOrmEntity, 'p')
      .where('p.orderId = :orderId', { orderId })
      .andWhere(`p.status NOT IN ('FAILED', 'VOIDED')`)
      .getOne();
    return row ? toDomain(row) : null;
  }

  async insert(payment: Payment): Promise<void> {
    try {
      // A savepoint, so a lost insert race leaves the caller's transaction usable for the re-read.
      await this.tx.savepoint((manager) => manager.insert(PaymentOrmEntity, toOrmEntity(payment)));
    } catch (error) {
      const driver = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
      if (driver?.code !== UNIQUE_VIOLATION) throw error;
      if (driver.constraint === ONE_LIVE_ATTEMPT_INDEX) {
        const live = await this.findLiveByOrder(payment.orderId);
        throw new PaymentAttemptLiveError(payment.orderId, live?.id ?? '');
      }
      throw new PaymentIdConflictError(payment.id);
    }
    payment.markPersisted();
  }

  async update(payment: Payment): Promise<void> {
    const row = toOrmEntity(payment);
    const result = await this.tx
      .manager()
      .createQueryBuilder()
      .update(PaymentOrmEntity)
      // Only what behaviour can change; identity, card and amount are fixed when the attempt starts.
      .set({
        status: row.status,
        pendingOperation: row.pendingOperation,
        capturedMinor: row.capturedMinor,
        refundedMinor: row.refundedMinor,
        transactionId: row.transactionId,
        failureReason: row.failureReason,
        statusReason: row.statusReason,
        version: row.version,
        updateTime: row.updateTime,
      })
      .where('id = :id AND version = :persistedVersion', { id: row.id, persistedVersion: payment.persistedVersion })
      .execute();
    if (result.affected !== 1) throw new ConcurrentModificationError(payment.id);
    payment.markPersisted();
  }
}
