import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { googleRpc } from '#libs/contracts';

/** A failed gRPC call as tests assert on it. */
export interface GrpcFailure {
  /** The status name, e.g. `INVALID_ARGUMENT`. */
  readonly status: string;
  readonly message: string;
  readonly errorInfo?: googleRpc.ErrorInfo;
  /** `errorInfo.reason`, for short assertions. */
  readonly reason?: string;
  /** The BadRequest field paths, as the server wrote them (snake_case) or camelCased on request. */
  readonly fields: string[];
}

/** `INVALID_ARGUMENT` for 3; `CODE_<n>` for a code gRPC does not name. */
export function grpcStatusName(code: number): string {
  return GrpcStatus[code] ?? `CODE_${code}`;
}

/** Reads a failed call: its status, and the ErrorInfo and BadRequest of `grpc-status-details-bin`. */
export function grpcFailure(err: ServiceError, options: { camelCaseFields?: boolean } = {}): GrpcFailure {
  const raw = err.metadata?.get('grpc-status-details-bin')[0];
  const details = raw ? googleRpc.Status.decode(raw as Buffer).details : [];
  const detail = (suffix: string): Uint8Array | undefined => details.find((d) => d.typeUrl.endsWith(suffix))?.value;
  const info = detail('ErrorInfo');
  const bad = detail('BadRequest');
  const errorInfo = info ? googleRpc.ErrorInfo.decode(info) : undefined;
  const field = options.camelCaseFields ? (path: string) => path.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : (path: string) => path;
  return {
    status: grpcStatusName(err.code),
    message: err.details,
    errorInfo,
    reason: errorInfo?.reason,
    fields: bad ? googleRpc.BadRequest.decode(bad).fieldViolations.map((v) => field(v.field)) : [],
  };
}
