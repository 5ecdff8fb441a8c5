import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { grpcLoaderOptions, protoFiles } from '#libs/contracts';
import { closedLoop, openLoop, Recorder, type LoadResult, type Send } from './load.js';

/** oms.v1.OrderService from proto/, loaded the way the services load it. */
export function orderServiceDefinition(): grpc.ServiceDefinition {
  const definition = protoLoader.loadSync(protoFiles.order, { ...grpcLoaderOptions });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { oms: { v1: { OrderService: grpc.ServiceClientConstructor } } };
  return pkg.oms.v1.OrderService.service;
}

export interface GrpcTarget {
  readonly name: string;
  readonly port: number;
  readonly tokens: readonly string[];
  readonly skus: readonly string[];
}

/**
 * A CreateOrder caller on one channel (one HTTP/2 connection, as a service calling another would
 * hold): authorization and a fresh idempotency-key in the metadata, 30 s deadline.
 */
function createOrderCaller(target: GrpcTarget): { send: Send; close(): void } {
  const Client = grpc.makeGenericClientConstructor(orderServiceDefinition(), 'OrderService');
  type Callback = (error: grpc.ServiceError | null) => void;
  const client = new Client(`127.0.0.1:${target.port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    CreateOrder(request: object, metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback): void;
  };
  let n = 0;
  const send: Send = () =>
    new Promise((resolve) => {
      const i = n++;
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${target.tokens[i % target.tokens.length]}`);
      metadata.set('idempotency-key', randomUUID());
      const request = { items: [{ sku: target.skus[i % target.skus.length], qty: 1 }] };
      client.CreateOrder(request, metadata, { deadline: Date.now() + 30_000 }, (error: grpc.ServiceError | null) =>
        resolve(error ? `${grpc.status[error.code]}: ${error.details}` : undefined),
      );
    });
  return { send, close: () => client.close() };
}

/** Fixed concurrency: `concurrency` calls in flight, each followed by the next when it answers. */
export async function grpcClosed(target: GrpcTarget, concurrency: number, durationS: number, warmupS: number): Promise<LoadResult> {
  const caller = createOrderCaller(target);
  try {
    if (warmupS > 0) await closedLoop(caller.send, concurrency, warmupS);
    const recorder = await closedLoop(caller.send, concurrency, durationS, new Recorder());
    return recorder.result({ name: target.name, model: 'closed', concurrency }, durationS);
  } finally {
    caller.close();
  }
}

/** Fixed arrival rate, latency from the due time (see openLoop). */
export async function grpcOpen(target: GrpcTarget, rate: number, durationS: number): Promise<LoadResult> {
  const caller = createOrderCaller(target);
  try {
    const recorder = await openLoop(caller.send, rate, durationS);
    return recorder.result({ name: target.name, model: 'open', offeredRate: rate }, durationS);
  } finally {
    caller.close();
  }
}
