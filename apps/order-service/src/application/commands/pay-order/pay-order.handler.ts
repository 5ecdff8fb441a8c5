import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InvalidRequestError } from '../../application.errors.js';
import { changeOrder } from '../../order-access.js';
import { Clock } from '../../ports/clock.port.js';
import { IdGenerator } from '../../ports/id-generator.port.js';
import { OrderEventPublisher } from '../../ports/order-event.publisher.port.js';
import { OrderRepository } from '../../ports/order.repository.port.js';
import { toOrderView } from '../../views/order.view.js';
import { PAYMENT_METHODS, PayOrderCommand, type PayOrderResult } from './pay-order.command.js';
import { summarizeCard } from './payment-card.js';

/** The payment provider this service talks to; the simulated gateway until a real one is wired. */
export const PAYMENT_PROVIDER = 'simulated';

/**
 * Starts the payment of a RESERVED order: the order's payment becomes PROCESSING. Driving it to
 * HELD, CAPTURED or FAILED is the saga's job; until an outcome arrives the answer carries the
 * PROCESSING payment, as the contract allows when the wait limit passes.
 */
@CommandHandler(PayOrderCommand)
export class PayOrderHandler implements ICommandHandler<PayOrderCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly events: OrderEventPublisher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: PayOrderCommand): Promise<PayOrderResult> {
    if (!(PAYMENT_METHODS as readonly string[]).includes(command.paymentMethod)) {
      throw new InvalidRequestError([
        { field: 'paymentMethod', description: `must be one of ${PAYMENT_METHODS.join(', ')}` },
      ]);
    }
    const now = this.clock.now();
    const card = summarizeCard(command.card, now);
    const order = await changeOrder({ orders: this.orders, events: this.events }, command, (o) =>
      o.startPayment({
        paymentId: this.ids.newId(),
        provider: PAYMENT_PROVIDER,
        method: command.paymentMethod,
        cardBrand: card.brand,
        cardLast4: card.last4,
        now,
      }),
    );
    const view = toOrderView(order);
    return { order: view, payment: view.payment! };
  }
}
