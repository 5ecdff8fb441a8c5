import { Query } from '@nestjs/cqrs';
import type { OrderStatus } from '../../../domain/order-status.js';
import type { Actor } from '../../actor.js';
import type { OrderView } from '../../views/order.view.js';

export interface ListOrdersResult {
  readonly orders: readonly OrderView[];
  /** Empty on the last page. */
  readonly nextPageToken: string;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export class ListOrdersQuery extends Query<ListOrdersResult> {
  constructor(
    readonly actor: Actor,
    /** 0 means {@link DEFAULT_PAGE_SIZE}. */
    readonly pageSize: number,
    readonly pageToken: string,
    readonly status?: OrderStatus,
    /** Admins only; customers list their own orders. */
    readonly customerId?: string,
  ) {
    super();
  }
}
