import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { orderV1 } from '#libs/contracts';
import { ApiError } from '#libs/errors';
import { Idempotent } from '#libs/idempotency';
import { OrderApi } from '../order.api.js';

type JsonBody = Record<string, unknown>;

/** The `/v1` REST gateway: gRPC transcoding of oms.v1.OrderService, bodies in proto3 JSON. */
@Controller('v1/orders')
export class OrdersHttpController {
  constructor(private readonly api: OrderApi) {}

  @Post()
  @HttpCode(200)
  @Idempotent()
  async create(@Body() body: JsonBody): Promise<unknown> {
    return orderV1.CreateOrderResponse.toJSON(await this.api.createOrder(body));
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<unknown> {
    return orderV1.GetOrderResponse.toJSON(await this.api.getOrder({ id }));
  }

  @Get()
  async list(@Query() query: Record<string, string>): Promise<unknown> {
    const pageSize = query.pageSize ?? query.page_size;
    const request = { ...query, pageSize: pageSize === undefined || pageSize === '' ? undefined : Number(pageSize) };
    return orderV1.ListOrdersResponse.toJSON(await this.api.listOrders(request));
  }

  /**
   * AIP-136 custom methods `POST /v1/orders/{id}:pay|cancel|refund`. Fastify's router cannot put a
   * literal after a parameter in one segment, so one route takes `{id}:{verb}` and dispatches.
   */
  @Post(':target')
  @HttpCode(200)
  @Idempotent()
  async custom(@Param('target') target: string, @Body() body: JsonBody | undefined): Promise<unknown> {
    const split = target.lastIndexOf(':');
    const id = target.slice(0, split);
    const request = { ...(body ?? {}), id };
    switch (split > 0 ? target.slice(split + 1) : '') {
      case 'pay':
        return orderV1.PayOrderResponse.toJSON(await this.api.payOrder(request));
      case 'cancel':
        return orderV1.CancelOrderResponse.toJSON(await this.api.cancelOrder(request));
      case 'refund':
        return orderV1.RefundOrderResponse.toJSON(await this.api.refundOrder(request));
      default:
        throw new ApiError('NOT_FOUND', `no method POST /v1/orders/${target}; use {id}:pay, :cancel or :refund`);
    }
  }
}
