import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '../../ports/clock.port.js';
import { InventoryMessages } from '../../ports/inventory-messages.port.js';
import { ProductRepository } from '../../ports/product.repository.port.js';
import { ReservationRepository } from '../../ports/reservation.repository.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import { changeReservation } from '../../reservation-change.js';
import { noReservation, type ReservationView } from '../../views/reservation.view.js';
import { RestockStockCommand } from './restock-stock.command.js';

/**
 * COMMITTED -> RESTOCKED (sold units back on hand); a still RESERVED one is RELEASED. Anything
 * else, or no reservation at all (UNSPECIFIED), is answered as it is: nothing was taken.
 */
@CommandHandler(RestockStockCommand)
export class RestockStockHandler implements ICommandHandler<RestockStockCommand> {
  constructor(
    readonly unitOfWork: UnitOfWork,
    readonly reservations: ReservationRepository,
    readonly products: ProductRepository,
    readonly messages: InventoryMessages,
    readonly clock: Clock,
  ) {}

  execute(command: RestockStockCommand): Promise<ReservationView> {
    return changeReservation(
      this,
      'restock',
      command,
      (reservation, products, now) => reservation.restock(products, command.reason, now),
      noReservation,
    );
  }
}
