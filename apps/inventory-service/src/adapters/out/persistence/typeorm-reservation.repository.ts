import { Injectable } from '@nestjs/common';
import { entityFromRow, TransactionRunner, type DatabaseRow } from '#libs/database';
import { ConcurrentModificationError } from '../../../application/application.errors.js';
import { ReservationRepository } from '../../../application/ports/reservation.repository.port.js';
import type { Reservation } from '../../../domain/reservation.aggregate.js';
import { lockKey } from './advisory-lock.js';
import { toReservation, toReservationRow } from './reservation.mapper.js';
import { ReservationOrmEntity } from './reservation.orm-entity.js';

const RESERVATION_COLUMNS = 'order_id, status, items, failure_reason, unavailable_skus, status_reason, version, create_time, update_time';

/**
 * Reservations in PostgreSQL, written in the ambient transaction (the unit of work's). Every
 * method is on the path of every order, so all are plain SQL: TypeORM's query building and result
 * mapping were the largest share of the services' own CPU under load (docs/performance.md).
 */
@Injectable()
export class TypeOrmReservationRepository extends ReservationRepository {
  constructor(private readonly tx: TransactionRunner) {
    super();
  }

  async lockByOrderId(orderId: string): Promise<Reservation | null> {
    // The order id, not the row: a first Reserve has no row to lock yet, and a duplicate of it
    // must wait here and then find the reservation, not race it to the primary key. The read is a
    // statement of its own, after the lock: in READ COMMITTED it then sees what the previous
    // holder committed (one statement would read with a snapshot taken before the wait).
    await lockKey(this.tx, `reservation:${orderId}`);
    const rows = (await this.tx
      .manager()
      .query(`SELECT ${RESERVATION_COLUMNS} FROM inventory_service.reservations WHERE order_id = $1`, [orderId])) as DatabaseRow[];
    return rows[0] ? toReservation(entityFromRow(this.tx.manager(), ReservationOrmEntity, rows[0])) : null;
  }

  async insert(reservation: Reservation): Promise<void> {
    const row = toReservationRow(reservation);
    await this.tx.run((manager) =>
      manager.query(
        `INSERT INTO inventory_service.reservations (${RESERVATION_COLUMNS}) VALUES ($1, $2, $3::jsonb, $4, $5::text[], $6, $7, $8, $9)`,
        [
          row.orderId, row.status, JSON.stringify(row.items), row.failureReason, row.unavailableSkus,
          row.statusReason, row.version, row.createTime, row.updateTime,
        ],
      ),
    );
    reservation.markPersisted();
  }

  async update(reservation: Reservation): Promise<void> {
    const row = toReservationRow(reservation);
    // Only what a transition changes; the order's items and outcome of Reserve are fixed.
    await this.tx.run(async (manager) => {
      const rows = (await manager.query(
        `WITH changed AS (
           UPDATE inventory_service.reservations SET status = $3, status_reason = $4, version = $5, update_time = $6
            WHERE order_id = $1 AND version = $2
           RETURNING order_id)
         SELECT count(*)::int AS changed FROM changed`,
        [row.orderId, reservation.persistedVersion, row.status, row.statusReason, row.version, row.updateTime],
      )) as { changed: number }[];
      if (rows[0]?.changed !== 1) throw new ConcurrentModificationError(`reservation ${reservation.orderId}`);
    });
    reservation.markPersisted();
  }
}
