import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ForbiddenError, InvalidRequestError } from '../../application.errors.js';
import { OrderRepository } from '../../ports/order.repository.port.js';
import { toOrderView } from '../../views/order.view.js';
import { DEFAULT_PAGE_SIZE, ListOrdersQuery, MAX_PAGE_SIZE, type ListOrdersResult } from './list-orders.query.js';
import { PageTokenCodec } from './page-token.codec.js';

/** Newest first, by keyset on (createTime, id): stable while orders are being created. */
@QueryHandler(ListOrdersQuery)
export class ListOrdersHandler implements IQueryHandler<ListOrdersQuery> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly tokens: PageTokenCodec,
  ) {}

  async execute(query: ListOrdersQuery): Promise<ListOrdersResult> {
    const { actor } = query;
    if (query.pageSize < 0 || query.pageSize > MAX_PAGE_SIZE || !Number.isInteger(query.pageSize)) {
      throw new InvalidRequestError([{ field: 'pageSize', description: `must be between 0 and ${MAX_PAGE_SIZE}` }]);
    }
    if (query.customerId && !actor.isAdmin && query.customerId !== actor.subject) {
      throw new ForbiddenError('only admins may list other customers’ orders', { customerId: query.customerId });
    }
    const customerId = actor.isAdmin ? query.customerId || undefined : actor.subject;
    const limit = query.pageSize || DEFAULT_PAGE_SIZE;
    const scope = JSON.stringify([actor.subject, customerId ?? '*', query.status ?? '*']);
    const after = query.pageToken ? this.tokens.decode(query.pageToken, scope) : undefined;

    const page = await this.orders.list({ customerId, status: query.status, after, limit: limit + 1 });
    const orders = page.slice(0, limit);
    const last = orders.at(-1);
    const nextPageToken =
      page.length > limit && last ? this.tokens.encode({ createTime: last.createTime, id: last.id }, scope) : '';
    return { orders: orders.map(toOrderView), nextPageToken };
  }
}
