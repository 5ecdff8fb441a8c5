import { Metadata } from '@grpc/grpc-js';
import { googleRpc } from '#libs/contracts';

const { BadRequest, ErrorInfo, Status } = googleRpc;
type BadRequest = googleRpc.BadRequest;
type ErrorInfo = googleRpc.ErrorInfo;
import { ERROR_DOMAIN, GRPC_STATUS, type ApiError } from './api-error.js';

const TYPE_URL = 'type.googleapis.com/';

/** `items[0].amountMinor` -> `items[0].amount_minor`: gRPC clients see proto field names. */
export function protoFieldPath(jsonPath: string): string {
  return jsonPath.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The google.rpc details of an error, as plain objects. */
export function errorDetails(error: ApiError): { badRequest?: BadRequest; errorInfo?: ErrorInfo } {
  if (error.fieldViolations.length > 0) {
    return { badRequest: { fieldViolations: error.fieldViolations.map((v) => ({ ...v })) } };
  }
  if (error.reason) {
    return { errorInfo: { reason: error.reason, domain: ERROR_DOMAIN, metadata: { ...error.metadata } } };
  }
  return {};
}

/**
 * The error object grpc-js turns into a status: code, message, and trailers carrying a
 * `google.rpc.Status` with BadRequest or ErrorInfo in `grpc-status-details-bin`.
 */
export function toGrpcError(error: ApiError, trailers = new Metadata()): { code: number; details: string; metadata: Metadata } {
  const code = GRPC_STATUS[error.status];
  const { badRequest, errorInfo } = errorDetails({
    ...error,
    fieldViolations: error.fieldViolations.map((v) => ({ ...v, field: protoFieldPath(v.field) })),
  } as ApiError);
  const details = [];
  if (badRequest) {
    details.push({ typeUrl: `${TYPE_URL}google.rpc.BadRequest`, value: BadRequest.encode(badRequest).finish() });
  }
  if (errorInfo) {
    details.push({ typeUrl: `${TYPE_URL}google.rpc.ErrorInfo`, value: ErrorInfo.encode(errorInfo).finish() });
  }
  const status = Status.encode({ code, message: error.message, details }).finish();
  trailers.set('grpc-status-details-bin', Buffer.from(status));
  return { code, details: error.message, metadata: trailers };
}

/** AIP-193 JSON body of an error for the REST gateway. */
export function toHttpErrorBody(error: ApiError, httpStatus: number): object {
  const { badRequest, errorInfo } = errorDetails(error);
  const details: object[] = [];
  if (badRequest) details.push({ '@type': `${TYPE_URL}google.rpc.BadRequest`, ...badRequest });
  if (errorInfo) details.push({ '@type': `${TYPE_URL}google.rpc.ErrorInfo`, ...errorInfo });
  return { error: { code: httpStatus, status: error.status, message: error.message, details } };
}
