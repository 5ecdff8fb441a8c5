import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#libs/database';
import { ConcurrentModificationError } from '../../../application/application.errors.js';
import { ReservationRepository } from '../../../application/ports/reservation.repository.port.js';
import type { Reservation } from '../../../domain/reservation.aggregate.js';
import { lockKey } from './advisory-lock.js';
import { toReservation, toReservationRow } from './reservation.mapper.js';
import { ReservationOrmEntity } from './reservation.orm-entity.js';

/** Reservations in PostgreSQL, written in the ambient transaction (the unit of work's). */
@Injectable()
export class TypeOrmReservationRepository extends ReservationRepository {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async lockByOrderId(orderId: string): Promise<Reservation | null> {
    // The order id, not the row: a first Reserve has no row to lock yet, and a duplicate of it
    // must wait here and then find the reservation, not race it to the primary key.
    await lockKey(this.tx, `reservation:${orderId}`);
    const row = await this.tx.manager().findOneBy(ReservationOrmEntity, { orderId });
    return row ? toReservation(row) : null;
  }

  async insert(reservation: Reservation): Promise<void> {
    await this.tx.run((manager) => manager.insert(ReservationOrmEntity, toReservationRow(reservation)));
    reservation.markPersisted();
  }

  async update(reservation: Reservation): Promise<void> {
    const row = toReservationRow(reservation);
    await this.tx.run(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(ReservationOrmEntity)
        // Only what a transition changes; the order's items and outcome of Reserve are fixed.
        .set({ status: row.status, statusReason: row.statusReason, version: row.version, updateTime: row.updateTime })
        .where('order_id = :orderId AND version = :persistedVersion', {
          orderId: row.orderId,
          persistedVersion: reservation.persistedVersion,
        })
        .execute();
      if (result.affected !== 1) throw new ConcurrentModificationError(`reservation ${reservation.orderId}`);
    });
    reservation.markPersisted();
  }
}
