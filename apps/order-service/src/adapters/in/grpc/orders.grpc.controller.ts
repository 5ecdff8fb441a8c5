import { Controller } from '@nestjs/common';
import { orderV1 } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { OrderApi } from '../order.api.js';

/** `oms.v1.OrderService` over gRPC; the same OrderApi as the REST gateway. */
@Controller()
@orderV1.OrderServiceControllerMethods()
export class OrdersGrpcController implements orderV1.OrderServiceController {
  constructor(private readonly api: OrderApi) {}

  @Idempotent()
  createOrder(request: orderV1.CreateOrderRequest): Promise<orderV1.CreateOrderResponse> {
    return this.api.createOrder(request);
  }

  getOrder(request: orderV1.GetOrderRequest): Promise<orderV1.GetOrderResponse> {
    return this.api.getOrder(request);
  }

  listOrders(request: orderV1.ListOrdersRequest): Promise<orderV1.ListOrdersResponse> {
    return this.api.listOrders(request);
  }

  @Idempotent()
  payOrder(request: orderV1.PayOrderRequest): Promise<orderV1.PayOrderResponse> {
    return this.api.payOrder(request);
  }

  @Idempotent()
  cancelOrder(request: orderV1.CancelOrderRequest): Promise<orderV1.CancelOrderResponse> {
    return this.api.cancelOrder(request);
  }

  @Idempotent()
  refundOrder(request: orderV1.RefundOrderRequest): Promise<orderV1.RefundOrderResponse> {
    return this.api.refundOrder(request);
  }
}
