import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Options as ProtoLoaderOptions } from '@grpc/proto-loader';

const MARKER = join('oms', 'v1', 'order.proto');

function findProtoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, MARKER))) return candidate;
    if (dirname(dir) === dir) {
      throw new Error(`libs/contracts: no proto/${MARKER} found in ${from} or any directory above it`);
    }
  }
}

/**
 * Absolute path of the repository's `proto/` directory. Found by walking up from this module, so it
 * holds both for the TypeScript sources (libs/contracts/src) and the compiled copy
 * (dist/libs/contracts/src).
 */
export const PROTO_ROOT: string = findProtoRoot(dirname(fileURLToPath(import.meta.url)));

/**
 * Proto files relative to {@link PROTO_ROOT}, for Nest's gRPC transport `protoPath` together with
 * `loader: grpcLoaderOptions` (whose `includeDirs` resolves them and their imports).
 */
export const protoFiles = {
  order: 'oms/v1/order.proto',
  inventory: 'oms/v1/inventory.proto',
  payment: 'oms/v1/payment.proto',
  events: 'oms/v1/events.proto',
  notification: 'oms/v1/notification.proto',
} as const;

/** Options for @grpc/proto-loader (Nest's gRPC `loader`). */
export interface GrpcLoaderOptions {
  readonly keepCase: false;
  readonly longs: StringConstructor;
  readonly enums: StringConstructor;
  readonly defaults: true;
  readonly oneofs: true;
  readonly includeDirs: string[];
}

/**
 * The proto-loader options the generated types (ts-proto, see buf.gen.yaml) are built to match:
 * lowerCamelCase fields, int64 as decimal strings, enums as their names, scalars and repeated fields
 * filled with defaults, absent message fields as null, proto3 `optional` fields absent when unset.
 * Changing any of these breaks that match.
 */
export const grpcLoaderOptions: GrpcLoaderOptions = Object.freeze({
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
} satisfies GrpcLoaderOptions & ProtoLoaderOptions);
