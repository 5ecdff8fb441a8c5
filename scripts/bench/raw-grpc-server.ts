import * as grpc from '@grpc/grpc-js';
import { orderServiceDefinition } from './grpc-load.js';
import { rawInserter } from './raw-reference.js';

/**
 * The raw grpc-js reference (a child process of the bench): oms.v1.OrderService/CreateOrder runs
 * one INSERT and answers with the order; every other method is UNIMPLEMENTED. Env: DATABASE_URL,
 * PORT. Prints `ready` when listening.
 */
const insert = rawInserter(process.env.DATABASE_URL!);
const server = new grpc.Server();
server.addService(orderServiceDefinition(), {
  CreateOrder(call: grpc.ServerUnaryCall<{ items: unknown[] }, unknown>, callback: grpc.sendUnaryData<unknown>) {
    insert('raw', call.request.items).then(
      ({ id }) => callback(null, { order: { id, status: 'ORDER_STATUS_PENDING', items: call.request.items } }),
      (error: Error) => callback({ code: grpc.status.INTERNAL, details: error.message }),
    );
  },
});
server.bindAsync(`127.0.0.1:${process.env.PORT}`, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) throw error;
  console.log('ready');
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
