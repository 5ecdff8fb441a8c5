import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ReservationNotFoundError } from '../../application.errors.js';
import { Clock } from '../../ports/clock.port.js';
import { InventoryMessages } from '../../ports/inventory-messages.port.js';
import { ProductRepository } from '../../ports/product.repository.port.js';
import { ReservationRepository } from '../../ports/reservation.repository.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import { changeReservation } from '../../reservation-change.js';
import type { ReservationView } from '../../views/reservation.view.js';
import { CommitStockCommand } from './commit-stock.command.js';

/**
 * RESERVED -> COMMITTED; COMMITTED or RESTOCKED answer as they are (the sale happened). Nothing to
 * sell is an error: no reservation is NOT_FOUND, a REJECTED or RELEASED one FAILED_PRECONDITION.
 */
@CommandHandler(CommitStockCommand)
export class CommitStockHandler implements ICommandHandler<CommitStockCommand> {
  constructor(
    readonly unitOfWork: UnitOfWork,
    readonly reservations: ReservationRepository,
    readonly products: ProductRepository,
    readonly messages: InventoryMessages,
    readonly clock: Clock,
  ) {}

  execute(command: CommitStockCommand): Promise<ReservationView> {
    return changeReservation(
      this,
      'commit',
      command,
      (reservation, products, now) => reservation.commit(products, now),
      (orderId) => {
        throw new ReservationNotFoundError(orderId);
      },
    );
  }
}
