import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../actor.js';
import type { OrderView } from '../../views/order.view.js';

export interface CreateOrderItemInput {
  readonly sku: string;
  readonly qty: number;
  /** The unit price the client expects; when given it must equal the catalog's. */
  readonly price?: { readonly currency: string; readonly amountMinor: bigint };
}

export class CreateOrderCommand extends Command<OrderView> {
  constructor(
    readonly actor: Actor,
    /** Empty means the caller's own id. */
    readonly customerId: string,
    readonly items: readonly CreateOrderItemInput[],
    /** When given, the catalog prices of every item must be in this currency. */
    readonly currency?: string,
    /** The total the client expects, in major units of the catalog currency (`"100.50"`); must equal the computed one. */
    readonly statedAmount?: string,
  ) {
    super();
  }
}
