import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { inventoryV1 } from '#libs/contracts';
import { IdempotentCommandBus } from '#libs/idempotency';
import { CommitStockCommand } from '../../application/commands/commit-stock/commit-stock.command.js';
import { ReleaseStockCommand } from '../../application/commands/release-stock/release-stock.command.js';
import { ReserveStockCommand } from '../../application/commands/reserve-stock/reserve-stock.command.js';
import { RestockStockCommand } from '../../application/commands/restock-stock/restock-stock.command.js';
import { UpsertProductCommand } from '../../application/commands/upsert-product/upsert-product.command.js';
import { BatchGetProductsQuery } from '../../application/queries/batch-get-products/batch-get-products.query.js';
import { GetProductQuery } from '../../application/queries/get-product/get-product.query.js';
import { toProtoProduct, toProtoReservation } from './inventory-wire.mapper.js';
import {
  BatchGetProductsRequest,
  OrderIdRequest,
  ReleaseRequest,
  ReserveRequest,
  SkuRequest,
  UpsertProductRequest,
} from './requests/inventory.requests.js';
import { validateRequest } from '#libs/validation';

/**
 * How a request reached the service. A `message` (an AMQP command) is answered with a reply on
 * `oms.replies` even when it is a repeat; a `call` (gRPC, REST) gets its answer in the response.
 */
export type RequestOrigin = 'call' | 'message';

/**
 * InventoryService as every inbound port sees it: an `oms.v1` request message in (as received,
 * not yet trusted), an `oms.v1` response message out. gRPC returns it as is, REST renders it as
 * proto3 JSON, and the AMQP consumer runs the very same commands.
 */
@Injectable()
export class InventoryApi {
  constructor(
    private readonly commands: IdempotentCommandBus,
    private readonly queries: QueryBus,
  ) {}

  async reserve(input: unknown, origin: RequestOrigin = 'call'): Promise<inventoryV1.ReserveResponse> {
    const req = await validateRequest(ReserveRequest, input);
    const items = req.items.map((i) => ({ sku: i.sku, qty: i.qty }));
    const view = await this.commands.execute(new ReserveStockCommand(req.orderId, items, origin === 'message'));
    return { reservation: toProtoReservation(view) };
  }

  async release(input: unknown, origin: RequestOrigin = 'call'): Promise<inventoryV1.ReleaseResponse> {
    const req = await validateRequest(ReleaseRequest, input);
    const view = await this.commands.execute(new ReleaseStockCommand(req.orderId, req.reason ?? '', origin === 'message'));
    return { reservation: toProtoReservation(view) };
  }

  async commit(input: unknown, origin: RequestOrigin = 'call'): Promise<inventoryV1.CommitResponse> {
    const req = await validateRequest(OrderIdRequest, input);
    const view = await this.commands.execute(new CommitStockCommand(req.orderId, origin === 'message'));
    return { reservation: toProtoReservation(view) };
  }

  async restock(input: unknown, origin: RequestOrigin = 'call'): Promise<inventoryV1.RestockResponse> {
    const req = await validateRequest(ReleaseRequest, input);
    const view = await this.commands.execute(new RestockStockCommand(req.orderId, req.reason ?? '', origin === 'message'));
    return { reservation: toProtoReservation(view) };
  }

  async getProduct(input: unknown): Promise<inventoryV1.GetProductResponse> {
    const req = await validateRequest(SkuRequest, input);
    return { product: toProtoProduct(await this.queries.execute(new GetProductQuery(req.sku))) };
  }

  async batchGetProducts(input: unknown): Promise<inventoryV1.BatchGetProductsResponse> {
    const req = await validateRequest(BatchGetProductsRequest, input);
    const views = await this.queries.execute(new BatchGetProductsQuery(req.skus));
    return { products: views.map(toProtoProduct) };
  }

  async upsertProduct(input: unknown): Promise<inventoryV1.UpsertProductResponse> {
    const req = await validateRequest(UpsertProductRequest, input);
    const price = { currency: req.price.currency, amountMinor: BigInt(req.price.amountMinor) };
    const stock = req.stock === undefined || req.stock === null || req.stock === '' ? 0 : Number(req.stock);
    const view = await this.commands.execute(new UpsertProductCommand(req.sku, req.name, price, stock));
    return { product: toProtoProduct(view) };
  }
}
