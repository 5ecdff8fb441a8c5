import { status as grpcStatus } from '@grpc/grpc-js';
import { ApiError, ERROR_DOMAIN, GRPC_STATUS, HTTP_STATUS, type StatusCode } from './api-error.js';

/** CONTRACT section 2: HTTP status by code (INTERNAL is never a client's answer, but must render). */
const CONTRACT_HTTP: Record<StatusCode, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  INTERNAL: 500,
};

const CODES = Object.keys(CONTRACT_HTTP) as StatusCode[];

describe('status tables', () => {
  it('cover exactly the canonical codes of CONTRACT section 1 (plus INTERNAL)', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...CODES].sort());
    expect(Object.keys(GRPC_STATUS).sort()).toEqual([...CODES].sort());
  });

  it.each(CODES)('HTTP_STATUS[%s] is the contract’s HTTP status', (code) => {
    expect(HTTP_STATUS[code]).toBe(CONTRACT_HTTP[code]);
  });

  it.each(CODES)('GRPC_STATUS[%s] is the numeric google.rpc.Code grpc-js uses', (code) => {
    expect(GRPC_STATUS[code]).toBe(grpcStatus[code]);
  });

  it('never maps anything to OK or UNKNOWN', () => {
    for (const code of CODES) {
      expect(GRPC_STATUS[code]).not.toBe(grpcStatus.OK);
      expect(GRPC_STATUS[code]).not.toBe(grpcStatus.UNKNOWN);
    }
  });
});

describe('ApiError', () => {
  it('is an Error carrying status, reason, metadata and violations', () => {
    const error = new ApiError('NOT_FOUND', 'order o1 not found', 'ORDER_NOT_FOUND', { orderId: 'o1' });

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ApiError');
    expect(error.message).toBe('order o1 not found');
    expect(error).toMatchObject({ status: 'NOT_FOUND', reason: 'ORDER_NOT_FOUND', metadata: { orderId: 'o1' }, fieldViolations: [] });
  });

  it('invalidArgument joins the violations into the message unless one is given', () => {
    const violations = [
      { field: 'items[0].qty', description: 'must be at least 1' },
      { field: 'customerId', description: 'is required' },
    ];

    const joined = ApiError.invalidArgument(violations);
    expect(joined.status).toBe('INVALID_ARGUMENT');
    expect(joined.message).toBe('items[0].qty: must be at least 1; customerId: is required');
    expect(joined.fieldViolations).toEqual(violations);
    expect(joined.reason).toBeUndefined();

    expect(ApiError.invalidArgument(violations, 'bad order').message).toBe('bad order');
  });

  it('uses the contract’s ErrorInfo domain', () => {
    expect(ERROR_DOMAIN).toBe('oms.v1');
  });
});
