import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '../../ports/clock.port.js';
import { InventoryMessages } from '../../ports/inventory-messages.port.js';
import { ProductRepository } from '../../ports/product.repository.port.js';
import { ReservationRepository } from '../../ports/reservation.repository.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import { changeReservation } from '../../reservation-change.js';
import { noReservation, type ReservationView } from '../../views/reservation.view.js';
import { ReleaseStockCommand } from './release-stock.command.js';

/**
 * RESERVED -> RELEASED. Any other reservation, or none at all (UNSPECIFIED), is answered as it is:
 * a release is a compensation and must be safe to send whatever happened before.
 */
@CommandHandler(ReleaseStockCommand)
export class ReleaseStockHandler implements ICommandHandler<ReleaseStockCommand> {
  constructor(
    readonly unitOfWork: UnitOfWork,
    readonly reservations: ReservationRepository,
    readonly products: ProductRepository,
    readonly messages: InventoryMessages,
    readonly clock: Clock,
  ) {}

  execute(command: ReleaseStockCommand): Promise<ReservationView> {
    return changeReservation(
      this,
      'release',
      command,
      (reservation, products, now) => reservation.release(products, command.reason, now),
      noReservation,
    );
  }
}
