import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Reservation } from '../../../domain/reservation.aggregate.js';
import { Clock } from '../../ports/clock.port.js';
import { InventoryMessages } from '../../ports/inventory-messages.port.js';
import { ProductRepository } from '../../ports/product.repository.port.js';
import { ReservationRepository } from '../../ports/reservation.repository.port.js';
import { UnitOfWork } from '../../ports/unit-of-work.port.js';
import { toReservationView, type ReservationView } from '../../views/reservation.view.js';
import { ReserveStockCommand } from './reserve-stock.command.js';

/**
 * Places an order's reservation, all or nothing: RESERVED, or REJECTED naming the unknown or short
 * skus (not an error: the saga cancels the order). The order id is locked first, so a repeated
 * Reserve waits for the first and then finds its reservation: the same items answer it unchanged,
 * other items are a conflict. Products are locked in sku order, so racing orders take the last
 * units one after the other and exactly one of them gets them.
 */
@CommandHandler(ReserveStockCommand)
export class ReserveStockHandler implements ICommandHandler<ReserveStockCommand> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly reservations: ReservationRepository,
    private readonly products: ProductRepository,
    private readonly messages: InventoryMessages,
    private readonly clock: Clock,
  ) {}

  async execute(command: ReserveStockCommand): Promise<ReservationView> {
    Reservation.assertValidRequest(command.orderId, command.items);
    return this.unitOfWork.run(async () => {
      const existing = await this.reservations.lockByOrderId(command.orderId);
      if (existing !== null) {
        existing.confirmRepeat(command.items);
        const view = toReservationView(existing);
        if (command.alwaysReply) await this.messages.reservationResult('reserve', view);
        return view;
      }
      const products = await this.products.lockBySkus(command.items.map((i) => i.sku));
      const reservation = Reservation.place({ orderId: command.orderId, items: command.items, products, now: this.clock.now() });
      reservation.pullEvents();
      await this.products.update(products.values());
      await this.reservations.insert(reservation);
      const view = toReservationView(reservation);
      await this.messages.reservationResult('reserve', view);
      return view;
    });
  }
}
