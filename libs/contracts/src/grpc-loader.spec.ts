import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import type { GrpcOptions } from '@nestjs/microservices';
import { PROTO_ROOT, commonV1, eventsV1, grpcLoaderOptions, orderV1, protoFiles } from './index.js';

// Compile-time: the options fit Nest's gRPC transport as they are.
const nestLoader: NonNullable<GrpcOptions['options']['loader']> = grpcLoaderOptions;

type ServiceDefinition = Record<string, protoLoader.MethodDefinition<object, object>>;

function load(file: string): protoLoader.PackageDefinition {
  return protoLoader.loadSync(file, grpcLoaderOptions);
}

describe('proto files at runtime (@grpc/proto-loader with grpcLoaderOptions)', () => {
  it('finds the repository proto/ directory', () => {
    expect(isAbsolute(PROTO_ROOT)).toBe(true);
    for (const file of Object.values(protoFiles)) expect(existsSync(join(PROTO_ROOT, file))).toBe(true);
    expect(nestLoader.includeDirs).toEqual([PROTO_ROOT]);
  });

  it('loads order.proto with oms.v1.OrderService and its six methods', () => {
    const service = load(protoFiles.order)['oms.v1.OrderService'] as ServiceDefinition;
    expect(Object.keys(service).sort()).toEqual(
      ['CancelOrder', 'CreateOrder', 'GetOrder', 'ListOrders', 'PayOrder', 'RefundOrder'].sort(),
    );
    expect(service.PayOrder.path).toBe('/oms.v1.OrderService/PayOrder');
  });

  it('loads the internal services and the events', () => {
    expect(Object.keys(load(protoFiles.inventory)['oms.v1.InventoryService'] as ServiceDefinition)).toEqual(
      expect.arrayContaining(['Reserve', 'Release', 'Commit', 'GetProduct', 'UpsertProduct']),
    );
    expect(Object.keys(load(protoFiles.payment)['oms.v1.PaymentService'] as ServiceDefinition)).toEqual(
      expect.arrayContaining(['Hold', 'Capture', 'Void', 'Refund']),
    );
  });

  it('decodes bytes from the generated encoder into the generated interface shape', () => {
    const getOrder = (load(protoFiles.order)['oms.v1.OrderService'] as ServiceDefinition).GetOrder;
    const response: orderV1.GetOrderResponse = {
      order: {
        id: 'ord-1',
        customerId: 'cust-1',
        status: commonV1.OrderStatus.ORDER_STATUS_PENDING,
        amount: { currency: 'USD', amountMinor: '9007199254740993' },
        items: [{ sku: 'P001', qty: 1, price: null }],
        version: '1',
        statusReason: '',
        createTime: { seconds: '1767225600', nanos: 5 },
        updateTime: null,
        payment: null,
      },
    };
    const decoded = getOrder.responseDeserialize(Buffer.from(orderV1.GetOrderResponse.encode(response).finish()));
    expect(decoded).toEqual(response);
  });

  it('leaves an unset proto3 optional field absent and decodes a set one as a string', () => {
    const payOrder = (load(protoFiles.order)['oms.v1.OrderService'] as ServiceDefinition).PayOrder;
    const unset = payOrder.requestDeserialize(
      Buffer.from(orderV1.PayOrderRequest.encode({ id: 'ord-1', paymentMethod: 'credit_card' }).finish()),
    );
    expect(unset).not.toHaveProperty('expectedVersion');
    expect(unset).toMatchObject({ id: 'ord-1', paymentMethod: 'credit_card', paymentDetails: null });
    const set = payOrder.requestDeserialize(
      Buffer.from(orderV1.PayOrderRequest.encode({ id: 'ord-1', paymentMethod: '', expectedVersion: '3' }).finish()),
    );
    expect(set).toMatchObject({ expectedVersion: '3' });
  });

  it('serializes the generated interface shape (nulls included) into bytes the generated decoder reads', () => {
    const createOrder = (load(protoFiles.order)['oms.v1.OrderService'] as ServiceDefinition).CreateOrder;
    const request: orderV1.CreateOrderRequest = {
      customerId: 'cust-1',
      items: [
        { sku: 'P001', qty: 2, price: null },
        { sku: 'P002', qty: 1, price: { currency: 'USD', amountMinor: '3350' } },
      ],
      currency: '',
    };
    const bytes = createOrder.requestSerialize(request);
    expect(orderV1.CreateOrderRequest.decode(bytes)).toEqual({
      ...request,
      items: [{ sku: 'P001', qty: 2 }, request.items[1]],
    });
  });

  it('round-trips an event through the generated codec', () => {
    const event: eventsV1.OrderStatusChanged = {
      orderId: 'ord-1',
      prevStatus: commonV1.OrderStatus.ORDER_STATUS_UNSPECIFIED,
      newStatus: commonV1.OrderStatus.ORDER_STATUS_PENDING,
      reason: '',
      seq: '1',
      occurredAt: { seconds: '1767225600', nanos: 0 },
      schemaVersion: 1,
      customerId: 'cust-1',
      contactEmail: '',
    };
    expect(load(protoFiles.events)).toHaveProperty(['oms.v1.OrderStatusChanged']);
    expect(eventsV1.OrderStatusChanged.decode(eventsV1.OrderStatusChanged.encode(event).finish())).toEqual(event);
  });
});
