import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { orderV1 } from '#libs/contracts';
import { IdempotentCommandBus } from '#libs/idempotency';
import { CancelOrderCommand } from '../../application/commands/cancel-order/cancel-order.command.js';
import { CreateOrderCommand } from '../../application/commands/create-order/create-order.command.js';
import { PayOrderCommand } from '../../application/commands/pay-order/pay-order.command.js';
import { RefundOrderCommand } from '../../application/commands/refund-order/refund-order.command.js';
import { AwaitOutcomeQuery } from '../../application/queries/await-payment/await-payment.query.js';
import { GetOrderQuery } from '../../application/queries/get-order/get-order.query.js';
import { ListOrdersQuery } from '../../application/queries/list-orders/list-orders.query.js';
import { currentActor } from './actor.js';
import { fromProtoOrderStatus, toProtoOrder, toProtoPayment } from './order-wire.mapper.js';
import {
  ChangeOrderRequest,
  CreateOrderRequest,
  ListOrdersRequest,
  OrderIdRequest,
  PayOrderRequest,
} from './requests/order.requests.js';
import { validateRequest } from '#libs/validation';

const optionalVersion = (v: string | number | null | undefined): number | undefined =>
  v === undefined || v === null || v === '' ? undefined : Number(v);

/**
 * OrderService as both inbound ports see it: an `oms.v1` request message in (as received: REST
 * body or gRPC message, not yet trusted), an `oms.v1` response message out. The gRPC controller
 * returns it as is, the REST controller renders it as proto3 JSON, so both answer the same.
 */
/** How long PayOrder and RefundOrder wait for their outcome (OMS_PAYMENT_WAIT_MS). */
export class OrderApiOptions {
  constructor(readonly outcomeWaitMs: number) {}
}

@Injectable()
export class OrderApi {
  constructor(
    private readonly commands: IdempotentCommandBus,
    private readonly queries: QueryBus,
    private readonly options: OrderApiOptions,
  ) {}

  async createOrder(input: unknown): Promise<orderV1.CreateOrderResponse> {
    const req = await validateRequest(CreateOrderRequest, input);
    const items = req.items.map((i) => ({
      sku: i.sku,
      qty: i.qty,
      price: i.price ? { currency: i.price.currency, amountMinor: BigInt(i.price.amountMinor) } : undefined,
    }));
    const command = new CreateOrderCommand(currentActor(), req.customerId ?? '', items, req.currency || undefined);
    return { order: toProtoOrder(await this.commands.execute(command)) };
  }

  async getOrder(input: unknown): Promise<orderV1.GetOrderResponse> {
    const req = await validateRequest(OrderIdRequest, input);
    return { order: toProtoOrder(await this.queries.execute(new GetOrderQuery(currentActor(), req.id))) };
  }

  async listOrders(input: unknown): Promise<orderV1.ListOrdersResponse> {
    const req = await validateRequest(ListOrdersRequest, input);
    const query = new ListOrdersQuery(
      currentActor(),
      req.pageSize ?? 0,
      req.pageToken ?? '',
      fromProtoOrderStatus(req.status),
      req.customerId || undefined,
    );
    const result = await this.queries.execute(query);
    return { orders: result.orders.map(toProtoOrder), nextPageToken: result.nextPageToken };
  }

  async payOrder(input: unknown): Promise<orderV1.PayOrderResponse> {
    const req = await validateRequest(PayOrderRequest, input);
    const d = req.paymentDetails;
    const command = new PayOrderCommand(
      currentActor(),
      req.id,
      req.paymentMethod,
      { number: d.cardNumber, expiry: d.expiryDate, cvv: d.cvv },
      optionalVersion(req.expectedVersion),
    );
    // The command commits (and is remembered for its idempotency key) before the wait, which only
    // reads: a repeat waits again and sees the outcome as it is by then.
    const started = await this.commands.execute(command);
    const order = await this.queries.execute(
      new AwaitOutcomeQuery(command.actor, req.id, this.options.outcomeWaitMs, started.payment.id),
    );
    const payment = order.payment?.id === started.payment.id ? order.payment : started.payment;
    return { order: toProtoOrder(order), payment: toProtoPayment(payment) };
  }

  async cancelOrder(input: unknown): Promise<orderV1.CancelOrderResponse> {
    const req = await validateRequest(ChangeOrderRequest, input);
    const command = new CancelOrderCommand(currentActor(), req.id, req.reason ?? '', optionalVersion(req.expectedVersion));
    return { order: toProtoOrder(await this.commands.execute(command)) };
  }

  async refundOrder(input: unknown): Promise<orderV1.RefundOrderResponse> {
    const req = await validateRequest(ChangeOrderRequest, input);
    const command = new RefundOrderCommand(currentActor(), req.id, req.reason ?? '', optionalVersion(req.expectedVersion));
    await this.commands.execute(command);
    // Waits until the money is refunded and the stock returned, like PayOrder waits for its outcome.
    const order = await this.queries.execute(new AwaitOutcomeQuery(command.actor, req.id, this.options.outcomeWaitMs));
    return { order: toProtoOrder(order) };
  }
}
