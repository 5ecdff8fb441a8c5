import { loadPackageDefinition, Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import { grpcLoaderOptions, PROTO_ROOT, protoFiles } from '#libs/contracts';
import { freePort } from '#libs/testing';
import { Money } from '../../../domain/money.js';
import { GrpcPaymentHolds, PaymentHoldsOptions } from './grpc-payment-holds.js';
import { ServiceTokens } from './service-tokens.js';

const definition = loadSync(join(PROTO_ROOT, protoFiles.payment), { ...grpcLoaderOptions, includeDirs: [PROTO_ROOT] });
const paymentService = (loadPackageDefinition(definition) as unknown as { oms: { v1: { PaymentService: { service: ServiceDefinition } } } }).oms.v1
  .PaymentService.service;

/** A stand-in payment-service that answers every Hold and counts them. */
async function fakePaymentService(port: number, held: string[]): Promise<Server> {
  const server = new Server();
  const unimplemented = () => {
    throw new Error('not in this test');
  };
  const handlers = Object.fromEntries(Object.keys(paymentService).map((method) => [method, unimplemented]));
  server.addService(paymentService, {
    ...handlers,
    Hold: (call: ServerUnaryCall<{ paymentId: string }, unknown>, callback: sendUnaryData<unknown>) => {
      held.push(call.request.paymentId);
      callback(null, {});
    },
  });
  await new Promise<void>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  return server;
}

const hold = (paymentId: string) => ({
  orderId: 'o-1',
  paymentId,
  customerId: 'c-1',
  amount: Money.of(1000n, 'USD'),
  method: 'credit_card',
  card: { number: '4242424242424242', expiry: '12/39', cvv: '123' },
});

it('finds a restarted payment-service again within its deadline, after Holds failed while it was down', async () => {
  const port = await freePort();
  const held: string[] = [];
  let server = await fakePaymentService(port, held);
  const holds = new GrpcPaymentHolds(new PaymentHoldsOptions(`127.0.0.1:${port}`, 1_500), new ServiceTokens({ staticToken: 'svc', subject: 'order-service' }));
  try {
    await holds.hold(hold('p-1'));
    server.forceShutdown();
    // Holds while it is down fail (UNAVAILABLE or deadline) and keep the channel reconnecting,
    // each failed attempt lengthening grpc-js's backoff.
    for (let i = 0; i < 4; i++) await expect(holds.hold(hold(`p-down-${i}`))).rejects.toThrow();
    server = await fakePaymentService(port, held);
    // Back: the next Hold gets through within its 1.5 s deadline. With grpc-js's default backoff
    // (1 s growing by 1.6x up to 120 s) the channel's next attempt would come seconds later.
    await holds.hold(hold('p-2'));
    expect(held).toEqual(['p-1', 'p-2']);
  } finally {
    holds.onModuleDestroy();
    server.forceShutdown();
  }
}, 30_000);
